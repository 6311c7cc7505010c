-- name: synapse_density
-- description: Synapses per micrometre of skeleton path length by class, for axons (side 'axon',
--   output synapses) and targets (side 'target', input synapses): pooled density and the
--   distribution of the per-neurite density.
-- columns: side, class, neurites, path_length_um, synapses, synapses_per_um, density_median,
--   density_q1, density_q3
-- rule: 3 (a neurite's connectome synapses), 5 (classes). Only neurites with a skeleton path
--   length > 0 count (path length = sum of the skeleton edge lengths at 11.24 x 11.24 x 28 nm
--   voxels). synapses_per_um = synapses / path_length_um summed over the class. Percentiles:
--   linear interpolation (percentile_cont).
WITH conn AS (
    SELECT s.axon_id, s.target_id
    FROM synapse s
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND s.axon_id IS NOT NULL AND s.target_id IS NOT NULL
),
neurites AS (
    SELECT 'axon' AS side, coalesce(ac.name, 'Unknown') AS class, a.path_length_um,
           coalesce(n.synapses, 0) AS synapses
    FROM axon a
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN (SELECT axon_id, count(*) AS synapses FROM conn GROUP BY 1) n
        ON n.axon_id = a.axon_id
    WHERE a.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s) AND a.path_length_um > 0
    UNION ALL
    SELECT 'target' AS side, coalesce(tc.name, 'Unknown') AS class, t.path_length_um,
           coalesce(n.synapses, 0) AS synapses
    FROM target t
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    LEFT JOIN (SELECT target_id, count(*) AS synapses FROM conn GROUP BY 1) n
        ON n.target_id = t.target_id
    WHERE t.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s) AND t.path_length_um > 0
)
SELECT side, class,
       count(*) AS neurites,
       sum(path_length_um) AS path_length_um,
       sum(synapses)::bigint AS synapses,
       sum(synapses) / sum(path_length_um) AS synapses_per_um,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY synapses / path_length_um) AS density_median,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY synapses / path_length_um) AS density_q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY synapses / path_length_um) AS density_q3
FROM neurites
GROUP BY side, class
ORDER BY side, class
