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
    SELECT s.axon_id, s.target_id, a.class_code AS axon_code, t.class_code AS target_code
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
axon_names AS (
    SELECT code, name FROM axon_class
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
target_names AS (
    SELECT code, name FROM target_class
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
axon_n AS (SELECT axon_id, count(*) AS n FROM syn GROUP BY axon_id),
target_n AS (SELECT target_id, count(*) AS n FROM syn GROUP BY target_id),
-- The kept synapses (thresholds on the neurites' synapse counts; AIS targets always kept),
-- with class names from the small class tables; the counts below are hash aggregates.
kept AS (
    SELECT syn.axon_id, syn.target_id,
           coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class
    FROM syn
    JOIN axon_n ON axon_n.axon_id = syn.axon_id
    JOIN target_n ON target_n.target_id = syn.target_id
    LEFT JOIN axon_names an ON an.code = syn.axon_code
    LEFT JOIN target_names tn ON tn.code = syn.target_code
    WHERE axon_n.n >= %(min_axon_synapses)s
      AND (target_n.n >= %(min_target_synapses)s OR tn.name = 'AxonInitialSegment')
),
cells AS (
    SELECT k.axon_class, k.target_class, k.synapses, x.axons, y.targets
    FROM (SELECT axon_class, target_class, count(*) AS synapses FROM kept GROUP BY 1, 2) k
    JOIN (SELECT axon_class, target_class, count(*) AS axons
          FROM (SELECT DISTINCT axon_class, target_class, axon_id FROM kept) d GROUP BY 1, 2) x
        USING (axon_class, target_class)
    JOIN (SELECT axon_class, target_class, count(*) AS targets
          FROM (SELECT DISTINCT axon_class, target_class, target_id FROM kept) d GROUP BY 1, 2) y
        USING (axon_class, target_class)
)
SELECT axon_class, target_class, synapses, axons, targets,
       synapses::double precision / sum(synapses) OVER (PARTITION BY axon_class) AS fraction
FROM cells
ORDER BY axon_class, target_class
