// name: degree_by_class
// description: Synapses per axon (out-degree) and per target (in-degree) by class: the
//   distribution over every axon (side 'axon') or target (side 'target') of the class.
// columns: side, class, neurites, synapses, degree_mean, degree_median, degree_q1, degree_q3,
//   degree_max
// types: side text, class text, neurites int, synapses int, degree_mean float, degree_median float,
//   degree_q1 float, degree_q3 float, degree_max int
// rule: 3 (an axon's/target's synapse count = its connectome synapses), 5 (classes). Every
//   neurite of the file counts, those without a connectome synapse with 0. Percentiles: linear
//   interpolation (percentile_cont).
// Reads the NeuriteClassStat nodes (built by the load from every axon and target of the files).
MATCH (s:NeuriteClassStat {dataset: $dataset})
RETURN s.side AS side, s.class AS class, s.neurites AS neurites, s.synapses AS synapses,
       s.degree_mean AS degree_mean, s.degree_median AS degree_median,
       s.degree_q1 AS degree_q1, s.degree_q3 AS degree_q3, s.degree_max AS degree_max
ORDER BY side, class
