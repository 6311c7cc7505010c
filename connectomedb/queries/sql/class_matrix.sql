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
-- Reads class_degree_cell (built by the load): the connections summed per class pair and per
-- synapse count of their axon and of their target, so the thresholds are filters on its rows
-- (an axon or target is counted on the row of its largest partner count, so the sums count
-- each once). Of its rows with axons at or above the threshold, those at or above the first
-- anchor of class_degree_suffix (migration 0014) are read already summed there, so a few
-- thousand rows are read whatever the threshold. Names are joined to the result rows.
WITH d AS (SELECT dataset_id FROM dataset WHERE name = %(dataset)s),
ais AS (
    SELECT code FROM target_class
    WHERE dataset_id = (SELECT dataset_id FROM d) AND name = 'AxonInitialSegment'
),
anchor AS (
    SELECT min(axon_synapses) AS a FROM class_degree_suffix
    WHERE dataset_id = (SELECT dataset_id FROM d) AND axon_synapses >= %(min_axon_synapses)s
),
kept AS (
    SELECT axon_class_key, target_class_key, target_synapses, synapses, axons, targets
    FROM class_degree_suffix
    WHERE dataset_id = (SELECT dataset_id FROM d) AND axon_synapses = (SELECT a FROM anchor)
    UNION ALL
    SELECT axon_class_key, target_class_key, target_synapses, synapses, axons, targets
    FROM class_degree_cell
    WHERE dataset_id = (SELECT dataset_id FROM d) AND axon_synapses >= %(min_axon_synapses)s
      AND axon_synapses < coalesce((SELECT a FROM anchor), 2147483647)
),
cells AS (
    SELECT axon_class_key, target_class_key, sum(synapses)::bigint AS synapses,
           sum(axons)::bigint AS axons, sum(targets)::bigint AS targets
    FROM kept
    WHERE target_synapses >= %(min_target_synapses)s
       OR target_class_key IN (SELECT code FROM ais)
    GROUP BY 1, 2
    HAVING sum(synapses) > 0
),
named AS (
    SELECT coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class,
           c.synapses, c.axons, c.targets
    FROM cells c
    LEFT JOIN axon_class an
        ON an.dataset_id = (SELECT dataset_id FROM d) AND an.code = c.axon_class_key
    LEFT JOIN target_class tn
        ON tn.dataset_id = (SELECT dataset_id FROM d) AND tn.code = c.target_class_key
)
SELECT axon_class, target_class, synapses, axons, targets,
       synapses::double precision / sum(synapses) OVER (PARTITION BY axon_class) AS fraction
FROM named
ORDER BY axon_class, target_class
