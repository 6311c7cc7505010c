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
WITH pairs AS (
    SELECT s.axon_id, s.target_id,
           min(coalesce(ac.name, 'Unknown')) AS axon_class,
           min(coalesce(tc.name, 'Unknown')) AS target_class,
           min(t.neuron_id) AS neuron_id,
           count(*) AS synapses
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
    GROUP BY s.axon_id, s.target_id
),
kept AS (SELECT * FROM pairs WHERE (%(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text)
      AND (%(target_class)s::text IS NULL OR target_class = %(target_class)s::text)),
by_axon_class AS (
    SELECT * FROM pairs
    WHERE %(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text
),
shared AS (
    SELECT x.axon_id AS axon_a, y.axon_id AS axon_b, x.target_id
    FROM kept x JOIN kept y ON y.target_id = x.target_id AND y.axon_id > x.axon_id
),
shared_counts AS (SELECT axon_a, axon_b, count(*) AS n FROM shared GROUP BY 1, 2)
SELECT motif, instances FROM (
    SELECT 'multi_synaptic_connections' AS motif, count(*) AS instances
    FROM kept WHERE synapses >= %(min_synapses)s
    UNION ALL
    SELECT 'convergent_targets', count(*) FROM (
        SELECT target_id FROM kept GROUP BY 1 HAVING count(*) >= %(min_axons)s) x
    UNION ALL
    SELECT 'convergent_neurons', count(*) FROM (
        SELECT neuron_id FROM by_axon_class WHERE neuron_id IS NOT NULL
        GROUP BY 1 HAVING count(DISTINCT axon_id) >= %(min_axons)s) x
    UNION ALL
    SELECT 'divergent_axons', count(*) FROM (
        SELECT axon_id FROM kept GROUP BY 1 HAVING count(*) >= %(min_targets)s) x
    UNION ALL
    SELECT 'axon_neuron_multi_target', count(*) FROM (
        SELECT axon_id, neuron_id FROM by_axon_class WHERE neuron_id IS NOT NULL
        GROUP BY 1, 2 HAVING count(*) >= %(min_neuron_targets)s) x
    UNION ALL
    SELECT 'shared_target_axon_pairs', count(*) FROM shared_counts WHERE n >= %(min_shared)s
    UNION ALL
    SELECT 'bifans', coalesce(sum(n * (n - 1) / 2), 0)::bigint FROM shared_counts
) m
ORDER BY motif
