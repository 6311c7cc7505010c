// name: target_specificity
// description: Per axon class, the fraction of its synapses onto each target class, and the
//   distribution over the class's axons of each axon's own fraction (mean, median, quartiles).
// params: min_axon_synapses int 1
// params: min_target_synapses int 1
// params: axon_class text null
// columns: axon_class, target_class, axons, synapses, fraction, axon_fraction_mean,
//   axon_fraction_median, axon_fraction_q1, axon_fraction_q3
// rule: 2, 3, 5, 6 as class_matrix. An axon's fraction onto a target class = its kept synapses
//   onto that class / all its kept synapses; every axon with a kept synapse counts, with 0 for
//   target classes it does not contact; target classes = those of any kept synapse.
//   Percentiles: linear interpolation (percentile_cont).
MATCH (:Axon)-[ct:CONNECTS_TO]->(t:Target)
WHERE t.dataset = $dataset
WITH t, sum(ct.synapses) AS target_synapses
WHERE target_synapses >= $min_target_synapses OR t.class = 'AxonInitialSegment'
MATCH (a:Axon)-[c:CONNECTS_TO]->(t)
WITH a, t, c.synapses AS n
MATCH (a)-[ca:CONNECTS_TO]->(:Target)
WITH a, t, n, sum(ca.synapses) AS axon_synapses
WHERE axon_synapses >= $min_axon_synapses
WITH a, t.class AS target_class, sum(n) AS synapses
WITH collect({axon: a.id, axon_class: a.class, target_class: target_class,
              synapses: synapses}) AS rows
UNWIND rows AS r
WITH r.axon AS axon, r.axon_class AS axon_class, sum(r.synapses) AS total,
     collect({target_class: r.target_class, synapses: r.synapses}) AS cells
WITH collect({axon: axon, axon_class: axon_class, total: total, cells: cells}) AS axons
UNWIND axons AS x
UNWIND x.cells AS cell
WITH axons, collect(DISTINCT cell.target_class) AS target_classes
UNWIND axons AS x
WITH x, target_classes
WHERE coalesce($axon_class, x.axon_class) = x.axon_class
UNWIND target_classes AS target_class
UNWIND x.cells AS cell
WITH x.axon AS axon, x.axon_class AS axon_class, x.total AS total, target_class,
     sum(CASE WHEN cell.target_class = target_class THEN cell.synapses ELSE 0 END) AS synapses
WITH axon_class, target_class, synapses, synapses * 1.0 / total AS axon_fraction
WITH axon_class, target_class, count(*) AS axons, sum(synapses) AS synapses,
     avg(axon_fraction) AS axon_fraction_mean,
     percentileCont(axon_fraction, 0.5) AS axon_fraction_median,
     percentileCont(axon_fraction, 0.25) AS axon_fraction_q1,
     percentileCont(axon_fraction, 0.75) AS axon_fraction_q3
WITH axon_class, sum(synapses) AS class_synapses,
     collect({target_class: target_class, axons: axons, synapses: synapses,
              m: axon_fraction_mean, md: axon_fraction_median,
              q1: axon_fraction_q1, q3: axon_fraction_q3}) AS cells
UNWIND cells AS cell
RETURN axon_class, cell.target_class AS target_class, cell.axons AS axons,
       cell.synapses AS synapses, cell.synapses * 1.0 / class_synapses AS fraction,
       cell.m AS axon_fraction_mean, cell.md AS axon_fraction_median,
       cell.q1 AS axon_fraction_q1, cell.q3 AS axon_fraction_q3
ORDER BY axon_class, target_class
