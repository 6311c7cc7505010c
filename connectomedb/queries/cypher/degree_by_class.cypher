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
// One aggregation per side (a few rows per class), then the two sides joined as lists so the
// order of the rows is the ORDER BY's on both engines (a UNION's branch order is not kept).
MATCH (a:Axon {dataset: $dataset})
WITH a.class AS class, count(*) AS neurites, sum(a.synapses) AS synapses,
     avg(a.synapses) AS degree_mean,
     percentileCont(a.synapses, 0.5) AS degree_median,
     percentileCont(a.synapses, 0.25) AS degree_q1,
     percentileCont(a.synapses, 0.75) AS degree_q3,
     max(a.synapses) AS degree_max
WITH collect({side: 'axon', class: class, neurites: neurites, synapses: synapses,
              degree_mean: degree_mean, degree_median: degree_median, degree_q1: degree_q1,
              degree_q3: degree_q3, degree_max: degree_max}) AS axon_rows
OPTIONAL MATCH (t:Target {dataset: $dataset})
WITH axon_rows, t.class AS class, count(t) AS neurites, sum(t.synapses) AS synapses,
     avg(t.synapses) AS degree_mean,
     percentileCont(t.synapses, 0.5) AS degree_median,
     percentileCont(t.synapses, 0.25) AS degree_q1,
     percentileCont(t.synapses, 0.75) AS degree_q3,
     max(t.synapses) AS degree_max
WITH axon_rows,
     collect(CASE WHEN neurites = 0 THEN NULL
             ELSE {side: 'target', class: class, neurites: neurites, synapses: synapses,
                   degree_mean: degree_mean, degree_median: degree_median, degree_q1: degree_q1,
                   degree_q3: degree_q3, degree_max: degree_max} END) AS target_rows
UNWIND axon_rows + target_rows AS r
RETURN r.side AS side, r.class AS class, r.neurites AS neurites, r.synapses AS synapses,
       r.degree_mean AS degree_mean, r.degree_median AS degree_median, r.degree_q1 AS degree_q1,
       r.degree_q3 AS degree_q3, r.degree_max AS degree_max
ORDER BY side, class
