-- name: asi_by_class
-- description: Axon-spine interface (ASI) area in square micrometres by axon class x target
--   class: synapses, how many have an area and how many not, mean, median and quartiles.
-- params: synapse_type text null
-- columns: axon_class, target_class, synapses, asi_count, asi_missing, asi_mean, asi_median,
--   asi_q1, asi_q3
-- rule: 2 (connectome synapses), 5 (classes). A missing area (NaN in the file) counts in
--   asi_missing and in no statistic. Percentiles: linear interpolation (percentile_cont).
WITH syn AS (
    SELECT s.asi_area,
           coalesce(ac.name, 'Unknown') AS axon_class,
           coalesce(tc.name, 'Unknown') AS target_class
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    LEFT JOIN synapse_type st ON st.dataset_id = s.dataset_id AND st.code = s.type_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND (%(synapse_type)s::text IS NULL
           OR coalesce(st.name, 'Unknown') = %(synapse_type)s::text)
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
