-- name: motif_counts
-- description: How many instances of each connectivity motif there are, with the thresholds and
--   class filters of the listing queries of the same names (one row per motif).
-- params: min_synapses int 2
-- params: min_axons int 2
-- params: min_targets int 2
-- params: min_neuron_targets int 2
-- params: min_shared int 2
-- params: axon_class text null
-- params: target_class text null
-- columns: motif, instances
-- types: motif text, instances int
-- rule: as each listing query: multi_synaptic_connections (min_synapses), convergent_targets
--   and convergent_neurons (min_axons; neurons ignore target_class), divergent_axons
--   (min_targets, no neuron threshold), axon_neuron_multi_target (min_neuron_targets;
--   ignores target_class), shared_target_axon_pairs (min_shared), bifans. Ordered by motif.

-- Reads motif_histogram (built by the load): per motif and class filter, how many instances
-- have each value of the thresholded quantity (bi-fans have no threshold).
WITH h AS (
    SELECT h.motif, h.value, h.instances
    FROM motif_histogram h
    WHERE h.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND CASE WHEN %(axon_class)s::text IS NULL THEN h.axon_class IS NULL
               ELSE h.axon_class = %(axon_class)s::text END
      AND CASE WHEN %(target_class)s::text IS NULL
                    OR h.motif IN ('convergent_neurons', 'axon_neuron_multi_target')
               THEN h.target_class IS NULL
               ELSE h.target_class = %(target_class)s::text END
),
m (motif, threshold) AS (VALUES
    ('multi_synaptic_connections', %(min_synapses)s::bigint),
    ('convergent_targets', %(min_axons)s::bigint),
    ('convergent_neurons', %(min_axons)s::bigint),
    ('divergent_axons', %(min_targets)s::bigint),
    ('axon_neuron_multi_target', %(min_neuron_targets)s::bigint),
    ('shared_target_axon_pairs', %(min_shared)s::bigint),
    ('bifans', 0::bigint)
)
SELECT m.motif, coalesce(sum(h.instances), 0)::bigint AS instances
FROM m
LEFT JOIN h ON h.motif = m.motif AND h.value >= m.threshold
GROUP BY m.motif
ORDER BY motif
