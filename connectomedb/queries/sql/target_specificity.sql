-- name: target_specificity
-- description: Per axon class, the fraction of its synapses onto each target class, and the
--   distribution over the class's axons of each axon's own fraction (mean, median, quartiles).
-- params: min_axon_synapses int 1
-- params: min_target_synapses int 1
-- params: axon_class text null
-- columns: axon_class, target_class, axons, synapses, fraction, axon_fraction_mean,
--   axon_fraction_median, axon_fraction_q1, axon_fraction_q3
-- rule: 2, 3, 5, 6 as class_matrix. An axon's fraction onto a target class = its kept synapses
--   onto that class / all its kept synapses; every axon with a kept synapse counts, with 0 for
--   target classes it does not contact; target classes = those of any kept synapse.
--   Percentiles: linear interpolation (percentile_cont).
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
    SELECT syn.axon_id,
           coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class
    FROM syn
    JOIN axon_n ON axon_n.axon_id = syn.axon_id
    JOIN target_n ON target_n.target_id = syn.target_id
    LEFT JOIN axon_names an ON an.code = syn.axon_code
    LEFT JOIN target_names tn ON tn.code = syn.target_code
    WHERE axon_n.n >= %(min_axon_synapses)s
      AND (target_n.n >= %(min_target_synapses)s OR tn.name = 'AxonInitialSegment')
),
per_axon_target AS (
    SELECT axon_id, axon_class, target_class, count(*) AS synapses FROM kept GROUP BY 1, 2, 3
),
per_axon AS (
    SELECT axon_id, axon_class, sum(synapses) AS total FROM per_axon_target
    WHERE %(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text
    GROUP BY axon_id, axon_class
),
target_classes AS (SELECT DISTINCT target_class FROM per_axon_target),
grid AS (
    SELECT p.axon_id, p.axon_class, tc.target_class,
           coalesce(pt.synapses, 0) AS synapses,
           coalesce(pt.synapses, 0)::double precision / p.total AS axon_fraction
    FROM per_axon p
    CROSS JOIN target_classes tc
    LEFT JOIN per_axon_target pt ON pt.axon_id = p.axon_id AND pt.target_class = tc.target_class
),
cells AS (
    -- One sort per cell for the three percentiles (the array form of percentile_cont).
    SELECT axon_class, target_class, count(*) AS axons, sum(synapses)::bigint AS synapses,
           avg(axon_fraction) AS axon_fraction_mean,
           percentile_cont(ARRAY[0.5, 0.25, 0.75]) WITHIN GROUP (ORDER BY axon_fraction) AS p
    FROM grid
    GROUP BY axon_class, target_class
)
SELECT axon_class, target_class, axons, synapses,
       synapses::double precision / sum(synapses) OVER (PARTITION BY axon_class) AS fraction,
       axon_fraction_mean,
       p[1] AS axon_fraction_median, p[2] AS axon_fraction_q1, p[3] AS axon_fraction_q3
FROM cells
ORDER BY axon_class, target_class
