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
WITH collect({side: 'axon', class: a.class, degree: a.synapses}) AS axon_rows
OPTIONAL MATCH (t:Target {dataset: $dataset})
WITH axon_rows,
     collect(CASE WHEN t IS NULL THEN NULL
             ELSE {side: 'target', class: t.class, degree: t.synapses} END) AS target_rows
UNWIND axon_rows + target_rows AS r
WITH r.side AS side, r.class AS class, r.degree AS degree
RETURN side, class,
       count(*) AS neurites,
       sum(degree) AS synapses,
       avg(degree) AS degree_mean,
       percentileCont(degree, 0.5) AS degree_median,
       percentileCont(degree, 0.25) AS degree_q1,
       percentileCont(degree, 0.75) AS degree_q3,
       max(degree) AS degree_max
ORDER BY side, class
