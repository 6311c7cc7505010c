// name: multiplicity_by_class
// description: Connection multiplicity (synapses per connected axon-target pair) by axon class x
//   target class: connections, synapses, mean, median, quartiles, maximum, and how many
//   connections have two or more synapses.
// columns: axon_class, target_class, connections, synapses, multiplicity_mean,
//   multiplicity_median, multiplicity_q1, multiplicity_q3, multiplicity_max, multi_synaptic
// types: axon_class text, target_class text, connections int, synapses int,
//   multiplicity_mean float,
//   multiplicity_median float, multiplicity_q1 float, multiplicity_q3 float, multiplicity_max int,
//   multi_synaptic int
// rule: 4 (a connection is a pair with at least one connectome synapse; its multiplicity is
//   their number), 5 (classes). Percentiles: linear interpolation (percentile_cont).
// Reads CLASS_MULTIPLICITY (built by the load from the connections, one per class pair).
MATCH (a:AxonClass {dataset: $dataset})-[c:CLASS_MULTIPLICITY]->(t:TargetClass)
RETURN a.name AS axon_class, t.name AS target_class, c.connections AS connections,
       c.synapses AS synapses, c.multiplicity_mean AS multiplicity_mean,
       c.multiplicity_median AS multiplicity_median, c.multiplicity_q1 AS multiplicity_q1,
       c.multiplicity_q3 AS multiplicity_q3, c.multiplicity_max AS multiplicity_max,
       c.multi_synaptic AS multi_synaptic
ORDER BY axon_class, target_class
