// name: synapse_type_mix
// description: Synapse types (primary spine, secondary spine, shaft, soma) by axon class and by
//   target class: side 'axon' rows group by the axon's class, side 'target' rows by the
//   target's class.
// columns: side, class, synapse_type, synapses, fraction
// types: side text, class text, synapse_type text, synapses int, fraction float
// rule: 2 (connectome synapses), 5 (classes from the files; type from synapses.hdf5).
//   fraction = synapses / all synapses of that class on that side. Only non-zero cells.

// Reads CLASS_SYNAPSES (built by the load): synapses per class pair and synapse type.
MATCH (a:AxonClass {dataset: $dataset})-[r:CLASS_SYNAPSES]->(t:TargetClass)
WHERE r.synapse_type IS NOT NULL
WITH a.name AS axon_class, t.name AS target_class, r.synapse_type AS synapse_type,
     r.synapses AS n
UNWIND [{side: 'axon', class: axon_class}, {side: 'target', class: target_class}] AS x
WITH x.side AS side, x.class AS class, synapse_type, sum(n) AS synapses
WITH side, class, sum(synapses) AS total,
     collect({synapse_type: synapse_type, synapses: synapses}) AS cells
UNWIND cells AS cell
RETURN side, class, cell.synapse_type AS synapse_type, cell.synapses AS synapses,
       cell.synapses * 1.0 / total AS fraction
ORDER BY side, class, synapse_type
