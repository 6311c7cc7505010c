-- name: synapse_density
-- description: Synapses per micrometre of skeleton path length by class, for axons (side 'axon',
--   output synapses) and targets (side 'target', input synapses): pooled density and the
--   distribution of the per-neurite density.
-- columns: side, class, neurites, path_length_um, synapses, synapses_per_um, density_median,
--   density_q1, density_q3
-- types: side text, class text, neurites int, path_length_um float, synapses int,
--   synapses_per_um float, density_median float, density_q1 float, density_q3 float
-- rule: 3 (a neurite's connectome synapses), 5 (classes). Only neurites with a skeleton path
--   length > 0 count (path length = sum of the skeleton edge lengths at 11.24 x 11.24 x 28 nm
--   voxels). synapses_per_um = synapses / path_length_um summed over the class. Percentiles:
--   linear interpolation (percentile_cont).
-- Per-neurite connectome synapse counts and path lengths from the materialized summaries every
-- load refreshes.
WITH neurites AS (
    SELECT 'axon' AS side, axon_class AS class, path_length_um, synapses
    FROM bi_axon_summary
    WHERE dataset = %(dataset)s AND path_length_um > 0
    UNION ALL
    SELECT 'target' AS side, target_class AS class, path_length_um, synapses
    FROM bi_target_summary
    WHERE dataset = %(dataset)s AND path_length_um > 0
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
