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
WITH syn AS (
    SELECT asi_area, axon_class, target_class
    FROM connectome_synapse
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND (%(synapse_type)s::text IS NULL OR synapse_type = %(synapse_type)s::text)
)
SELECT axon_class, target_class,
       count(*) AS synapses,
       count(asi_area) AS asi_count,
       count(*) - count(asi_area) AS asi_missing,
       avg(asi_area) AS asi_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY asi_area) AS asi_median,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY asi_area) AS asi_q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY asi_area) AS asi_q3
FROM syn
GROUP BY axon_class, target_class
ORDER BY axon_class, target_class
