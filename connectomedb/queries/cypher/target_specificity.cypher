// name: target_specificity
// description: Per axon class, the fraction of its synapses onto each target class, and the
//   distribution over the class's axons of each axon's own fraction (mean, median, quartiles).
// params: min_axon_synapses int 1
// params: min_target_synapses int 1
// params: axon_class text null
// columns: axon_class, target_class, axons, synapses, fraction, axon_fraction_mean,
//   axon_fraction_median, axon_fraction_q1, axon_fraction_q3
// types: axon_class text, target_class text, axons int, synapses int, fraction float,
//   axon_fraction_mean float, axon_fraction_median float, axon_fraction_q1 float,
//   axon_fraction_q3 float
// rule: 2, 3, 5, 6 as class_matrix. An axon's fraction onto a target class = its kept synapses
//   onto that class / all its kept synapses; every axon with a kept synapse counts, with 0 for
//   target classes it does not contact; target classes = those of any kept synapse of the
//   dataset (a row for each, with synapses 0 where the class has none). axons = the axon
//   class's axons with a kept synapse, the same on every row of the class.
//   Percentiles: linear interpolation (percentile_cont).
// Without a target threshold (at most 1) every synapse of a kept axon is kept, and the answer
// is read from the ClassSpecificity nodes of the load (as class_specificity): one block per
// axon threshold that keeps a different set of axons, the first at or above
// min_axon_synapses answering it. With a target threshold the second part counts the
// fractions from CONNECTS_TO.
MATCH (s:ClassSpecificity {dataset: $dataset})
WHERE $min_target_synapses <= 1 AND s.axon_synapses >= $min_axon_synapses
WITH min(s.axon_synapses) AS level
MATCH (s:ClassSpecificity {dataset: $dataset})
WHERE s.axon_synapses = level AND coalesce($axon_class, s.axon_class) = s.axon_class
RETURN s.axon_class AS axon_class, s.target_class AS target_class, s.axons AS axons,
       s.synapses AS synapses, s.fraction AS fraction,
       s.axon_fraction_mean AS axon_fraction_mean,
       s.axon_fraction_median AS axon_fraction_median,
       s.axon_fraction_q1 AS axon_fraction_q1, s.axon_fraction_q3 AS axon_fraction_q3
ORDER BY axon_class, target_class
UNION ALL
// (The bound on a.id stops the scans themselves without a target threshold: IDs are positive.)
MATCH (a:Axon {dataset: $dataset})-[:CONNECTS_TO]->(t:Target)
WHERE a.id < CASE WHEN $min_target_synapses > 1 THEN 9223372036854775807 ELSE 0 END
  AND a.synapses >= $min_axon_synapses
  AND (t.synapses >= $min_target_synapses OR t.class = 'AxonInitialSegment')
WITH collect(DISTINCT t.class) AS target_classes
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE a.id < CASE WHEN $min_target_synapses > 1 THEN 9223372036854775807 ELSE 0 END
  AND a.synapses >= $min_axon_synapses
  AND (t.synapses >= $min_target_synapses OR t.class = 'AxonInitialSegment')
  AND coalesce($axon_class, a.class) = a.class
WITH target_classes, a, t.class AS target_class, sum(c.synapses) AS synapses
WITH target_classes, a, sum(synapses) AS total,
     collect({target_class: target_class, synapses: synapses}) AS cells
UNWIND target_classes AS target_class
UNWIND cells AS cell
WITH a.id AS axon, a.class AS axon_class, total, target_class,
     sum(CASE WHEN cell.target_class = target_class THEN cell.synapses ELSE 0 END) AS synapses
WITH axon_class, target_class, synapses, synapses * 1.0 / total AS axon_fraction
// (sum(1) counts the axons with the integer type of the first part's n.)
WITH axon_class, target_class, sum(1) AS axons, sum(synapses) AS synapses,
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
