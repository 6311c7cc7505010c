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
// Reads CLASS_DEGREE_CELL (built by the load, as class_degree_cell): the connections summed
// per class pair and per synapse count of their axon and of their target, so the thresholds
// are filters on a few thousand relationships (an axon or target is counted on the row of its
// largest partner count, so the sums count each once).
MATCH (ac:AxonClass {dataset: $dataset})-[c:CLASS_DEGREE_CELL]->(tc:TargetClass)
WHERE c.axon_synapses >= $min_axon_synapses
  AND (c.target_synapses >= $min_target_synapses OR tc.name = 'AxonInitialSegment')
WITH ac.name AS axon_class, tc.name AS target_class, sum(c.synapses) AS synapses,
     sum(c.axons) AS axons, sum(c.targets) AS targets
WHERE synapses > 0
WITH axon_class, sum(synapses) AS class_synapses,
     collect({target_class: target_class, synapses: synapses, axons: axons, targets: targets}) AS cells
UNWIND cells AS cell
RETURN axon_class, cell.target_class AS target_class, cell.synapses AS synapses,
       cell.axons AS axons, cell.targets AS targets,
       cell.synapses * 1.0 / class_synapses AS fraction
ORDER BY axon_class, target_class
