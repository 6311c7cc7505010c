-- name: multiplicity_by_class
-- description: Connection multiplicity (synapses per connected axon-target pair) by axon class x
--   target class: connections, synapses, mean, median, quartiles, maximum, and how many
--   connections have two or more synapses.
-- columns: axon_class, target_class, connections, synapses, multiplicity_mean,
--   multiplicity_median, multiplicity_q1, multiplicity_q3, multiplicity_max, multi_synaptic
-- rule: 4 (a connection is a pair with at least one connectome synapse; its multiplicity is
--   their number), 5 (classes). Percentiles: linear interpolation (percentile_cont).
WITH pairs AS (
    SELECT s.axon_id, s.target_id,
           min(coalesce(ac.name, 'Unknown')) AS axon_class,
           min(coalesce(tc.name, 'Unknown')) AS target_class,
           count(*) AS synapses
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
    GROUP BY s.axon_id, s.target_id
)
SELECT axon_class, target_class,
       count(*) AS connections,
       sum(synapses)::bigint AS synapses,
       avg(synapses)::double precision AS multiplicity_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY synapses) AS multiplicity_median,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY synapses) AS multiplicity_q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY synapses) AS multiplicity_q3,
       max(synapses) AS multiplicity_max,
       count(*) FILTER (WHERE synapses >= 2) AS multi_synaptic
FROM pairs
GROUP BY axon_class, target_class
ORDER BY axon_class, target_class
