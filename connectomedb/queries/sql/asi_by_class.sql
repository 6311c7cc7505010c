-- name: asi_by_class
-- description: Axon-spine interface (ASI) area in square micrometres by axon class x target
--   class: synapses, how many have an area and how many not, mean, median and quartiles.
-- params: synapse_type text null
-- columns: axon_class, target_class, synapses, asi_count, asi_missing, asi_mean, asi_median,
--   asi_q1, asi_q3
-- types: axon_class text, target_class text, synapses int, asi_count int, asi_missing int,
--   asi_mean float, asi_median float, asi_q1 float, asi_q3 float
-- rule: 2 (connectome synapses), 5 (classes). A missing area (NaN in the file) counts in
--   asi_missing and in no statistic. Percentiles: linear interpolation (percentile_cont).

-- Reads class_synapse_stat (built by the load): one row per class pair and synapse type, and
-- over every type.
SELECT axon_class, target_class, synapses, asi_count, synapses - asi_count AS asi_missing,
       asi_mean, asi_median, asi_q1, asi_q3
FROM class_synapse_stat
WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
  AND CASE WHEN %(synapse_type)s::text IS NULL THEN synapse_type IS NULL
           ELSE synapse_type = %(synapse_type)s::text END
ORDER BY axon_class, target_class
