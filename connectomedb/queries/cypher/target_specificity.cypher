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
// min_axon_synapses answering it. With a target threshold (above 1) the second part reads the
// ClassSpecificityTarget nodes (as class_specificity_target): one block per pair of an axon
// synapse count and a target synapse count that keeps a different set of synapses, the block
// of the first axon count at or above min_axon_synapses, then of its first target count at or
// above min_target_synapses, answering it (2147483647: only the synapses onto axon initial
// segments kept); none: nothing is kept. (A smaller axon count of the data without a target
// count at or above the threshold keeps nothing, and neither does any larger one: its axons
// are some of the smaller one's.)
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
// (IDs ascend by the thresholds, then the classes: the first row at or above both thresholds is
// the first of the block, whose rows are its block_rows consecutive IDs, read by primary key.)
MATCH (s:ClassSpecificityTarget {dataset: $dataset})
WHERE $min_target_synapses > 1 AND s.axon_synapses >= $min_axon_synapses
  AND s.target_synapses >= CASE WHEN $min_target_synapses > 2147483647 THEN 2147483647
                                ELSE $min_target_synapses END
WITH min(s.id) AS first
MATCH (b:ClassSpecificityTarget {dataset: $dataset, id: first})
UNWIND range(first, first + b.block_rows - 1) AS i
MATCH (s:ClassSpecificityTarget {dataset: $dataset, id: i})
WHERE coalesce($axon_class, s.axon_class) = s.axon_class
RETURN s.axon_class AS axon_class, s.target_class AS target_class, s.axons AS axons,
       s.synapses AS synapses, s.fraction AS fraction,
       s.axon_fraction_mean AS axon_fraction_mean,
       s.axon_fraction_median AS axon_fraction_median,
       s.axon_fraction_q1 AS axon_fraction_q1, s.axon_fraction_q3 AS axon_fraction_q3
ORDER BY axon_class, target_class
