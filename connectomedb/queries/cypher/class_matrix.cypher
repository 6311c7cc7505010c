// name: class_matrix
// description: Connectome synapses by axon class x target class, raw and row-normalised, with the
//   paper's thresholds as parameters (axons and targets with at least that many synapses; axon
//   initial segments are always kept as targets).
// params: min_axon_synapses int 1
// params: min_target_synapses int 1
// columns: axon_class, target_class, synapses, axons, targets, fraction
// types: axon_class text, target_class text, synapses int, axons int, targets int, fraction float
// rule: 2 (connectome synapses), 3 (an axon's/target's synapse count decides the thresholds),
//   5 (classes from the files), 6 (thresholds; AxonInitialSegment targets always kept).
//   fraction = synapses / all kept synapses of the axon class. Only non-zero cells.
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE a.synapses >= $min_axon_synapses
  AND (t.synapses >= $min_target_synapses OR t.class = 'AxonInitialSegment')
WITH a, t, c.synapses AS n
WITH a.class AS axon_class, t.class AS target_class, sum(n) AS synapses,
     count(DISTINCT a.id) AS axons, count(DISTINCT t.id) AS targets
WITH axon_class, sum(synapses) AS class_synapses,
     collect({target_class: target_class, synapses: synapses, axons: axons, targets: targets}) AS cells
UNWIND cells AS cell
RETURN axon_class, cell.target_class AS target_class, cell.synapses AS synapses,
       cell.axons AS axons, cell.targets AS targets,
       cell.synapses * 1.0 / class_synapses AS fraction
ORDER BY axon_class, target_class
