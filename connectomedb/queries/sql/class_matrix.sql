-- name: class_matrix
-- description: Connectome synapses by axon class x target class, raw and row-normalised, with the
--   paper's thresholds as parameters (axons and targets with at least that many synapses; axon
--   initial segments are always kept as targets).
-- params: min_axon_synapses int 1
-- params: min_target_synapses int 1
-- columns: axon_class, target_class, synapses, axons, targets, fraction
-- rule: 2 (connectome synapses), 3 (an axon's/target's synapse count decides the thresholds),
--   5 (classes from the files), 6 (thresholds; AxonInitialSegment targets always kept).
--   fraction = synapses / all kept synapses of the axon class. Only non-zero cells.
WITH syn AS (
    SELECT s.axon_id, s.target_id,
           coalesce(ac.name, 'Unknown') AS axon_class,
           coalesce(tc.name, 'Unknown') AS target_class
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
kept AS (
    SELECT *
    FROM (
        SELECT syn.*,
               count(*) OVER (PARTITION BY axon_id) AS axon_synapses,
               count(*) OVER (PARTITION BY target_id) AS target_synapses
        FROM syn
    ) counted
    WHERE axon_synapses >= %(min_axon_synapses)s
      AND (target_synapses >= %(min_target_synapses)s OR target_class = 'AxonInitialSegment')
),
cells AS (
    SELECT axon_class, target_class, count(*) AS synapses,
           count(DISTINCT axon_id) AS axons, count(DISTINCT target_id) AS targets
    FROM kept
    GROUP BY axon_class, target_class
)
SELECT axon_class, target_class, synapses, axons, targets,
       synapses::double precision / sum(synapses) OVER (PARTITION BY axon_class) AS fraction
FROM cells
ORDER BY axon_class, target_class
