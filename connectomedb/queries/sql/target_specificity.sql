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
per_axon AS (
    SELECT axon_id, axon_class, count(*) AS total FROM kept
    WHERE %(axon_class)s::text IS NULL OR axon_class = %(axon_class)s::text
    GROUP BY 1, 2
),
per_axon_target AS (
    SELECT axon_id, target_class, count(*) AS synapses FROM kept GROUP BY 1, 2
),
target_classes AS (SELECT DISTINCT target_class FROM kept),
grid AS (
    SELECT p.axon_id, p.axon_class, tc.target_class,
           coalesce(pt.synapses, 0) AS synapses,
           coalesce(pt.synapses, 0)::double precision / p.total AS axon_fraction
    FROM per_axon p
    CROSS JOIN target_classes tc
    LEFT JOIN per_axon_target pt ON pt.axon_id = p.axon_id AND pt.target_class = tc.target_class
)
SELECT axon_class, target_class,
       count(*) AS axons,
       sum(synapses)::bigint AS synapses,
       sum(synapses)::double precision
           / sum(sum(synapses)) OVER (PARTITION BY axon_class) AS fraction,
       avg(axon_fraction) AS axon_fraction_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY axon_fraction) AS axon_fraction_median,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY axon_fraction) AS axon_fraction_q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY axon_fraction) AS axon_fraction_q3
FROM grid
GROUP BY axon_class, target_class
ORDER BY axon_class, target_class
