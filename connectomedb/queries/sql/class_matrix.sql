-- name: class_matrix
-- description: Connectome synapses by axon class x target class, raw and row-normalised, with the
--   paper's thresholds as parameters (axons and targets with at least that many synapses; axon
--   initial segments are always kept as targets).
-- params: min_axon_synapses int 1
-- params: min_target_synapses int 1
-- columns: axon_class, target_class, synapses, axons, targets, fraction
-- types: axon_class text, target_class text, synapses int, axons int, targets int, fraction float
-- rule: 2 (connectome synapses), 3 (an axon's/target's synapse count decides the thresholds),
--   5 (classes from the files), 6 (thresholds; AxonInitialSegment targets always kept).
--   fraction = synapses / all kept synapses of the axon class. Only non-zero cells.
-- The kept synapses: connectome_synapse carries each synapse's class keys (one smallint per
-- class name) and the connectome synapse counts of its axon and target, so the thresholds are
-- plain filters and the counts below are hash aggregates on integers; names come last.
WITH kept AS (
    SELECT axon_id, target_id, axon_class_key AS axon_key, target_class_key AS target_key
    FROM connectome_synapse
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND axon_synapses >= %(min_axon_synapses)s
      AND (target_synapses >= %(min_target_synapses)s OR target_class = 'AxonInitialSegment')
),
by_axon AS (
    SELECT axon_key, target_key, sum(n)::bigint AS synapses, count(*) AS axons
    FROM (SELECT axon_key, target_key, axon_id, count(*) AS n FROM kept GROUP BY 1, 2, 3) a
    GROUP BY 1, 2
),
by_target AS (
    SELECT axon_key, target_key, count(*) AS targets
    FROM (SELECT DISTINCT axon_key, target_key, target_id FROM kept) t
    GROUP BY 1, 2
),
cells AS (
    SELECT coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class,
           a.synapses, a.axons, t.targets
    FROM by_axon a
    JOIN by_target t USING (axon_key, target_key)
    LEFT JOIN axon_class an
        ON an.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
       AND an.code = a.axon_key
    LEFT JOIN target_class tn
        ON tn.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
       AND tn.code = a.target_key
)
SELECT axon_class, target_class, synapses, axons, targets,
       synapses::double precision / sum(synapses) OVER (PARTITION BY axon_class) AS fraction
FROM cells
ORDER BY axon_class, target_class
