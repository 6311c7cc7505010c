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
MATCH (a:Axon {dataset: $dataset})
RETURN 'axon' AS side, a.class AS class,
       count(*) AS neurites,
       sum(a.synapses) AS synapses,
       avg(a.synapses) AS degree_mean,
       percentileCont(a.synapses, 0.5) AS degree_median,
       percentileCont(a.synapses, 0.25) AS degree_q1,
       percentileCont(a.synapses, 0.75) AS degree_q3,
       max(a.synapses) AS degree_max
ORDER BY side, class
UNION ALL
MATCH (t:Target {dataset: $dataset})
RETURN 'target' AS side, t.class AS class,
       count(*) AS neurites,
       sum(t.synapses) AS synapses,
       avg(t.synapses) AS degree_mean,
       percentileCont(t.synapses, 0.5) AS degree_median,
       percentileCont(t.synapses, 0.25) AS degree_q1,
       percentileCont(t.synapses, 0.75) AS degree_q3,
       max(t.synapses) AS degree_max
ORDER BY side, class
