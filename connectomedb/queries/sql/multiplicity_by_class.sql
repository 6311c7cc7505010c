-- name: multiplicity_by_class
-- description: Connection multiplicity (synapses per connected axon-target pair) by axon class x
--   target class: connections, synapses, mean, median, quartiles, maximum, and how many
--   connections have two or more synapses.
-- columns: axon_class, target_class, connections, synapses, multiplicity_mean,
--   multiplicity_median, multiplicity_q1, multiplicity_q3, multiplicity_max, multi_synaptic
-- types: axon_class text, target_class text, connections int, synapses int,
--   multiplicity_mean float,
--   multiplicity_median float, multiplicity_q1 float, multiplicity_q3 float, multiplicity_max int,
--   multi_synaptic int
-- rule: 4 (a connection is a pair with at least one connectome synapse; its multiplicity is
--   their number), 5 (classes). Percentiles: linear interpolation (percentile_cont).
-- Reads class_multiplicity_stat (built by the load from the connections, one row per class
-- pair).
SELECT axon_class, target_class, connections, synapses, multiplicity_mean, multiplicity_median,
       multiplicity_q1, multiplicity_q3, multiplicity_max, multi_synaptic
FROM class_multiplicity_stat
WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
ORDER BY axon_class, target_class
