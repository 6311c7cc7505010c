// name: synapse_type_mix
// description: Synapse types (primary spine, secondary spine, shaft, soma) by axon class and by
//   target class: side 'axon' rows group by the axon's class, side 'target' rows by the
//   target's class.
// columns: side, class, synapse_type, synapses, fraction
// types: side text, class text, synapse_type text, synapses int, fraction float
// rule: 2 (connectome synapses), 5 (classes from the files; type from synapses.hdf5).
//   fraction = synapses / all synapses of that class on that side. Only non-zero cells.
MATCH (a:Axon)-[:MAKES]->(s:Synapse)-[:ONTO]->(t:Target)
WHERE a.dataset = $dataset
WITH a.class AS axon_class, t.class AS target_class, s.type AS synapse_type, count(*) AS n
UNWIND [{side: 'axon', class: axon_class}, {side: 'target', class: target_class}] AS x
WITH x.side AS side, x.class AS class, synapse_type, sum(n) AS synapses
WITH side, class, sum(synapses) AS total,
     collect({synapse_type: synapse_type, synapses: synapses}) AS cells
UNWIND cells AS cell
RETURN side, class, cell.synapse_type AS synapse_type, cell.synapses AS synapses,
       cell.synapses * 1.0 / total AS fraction
ORDER BY side, class, synapse_type
