-- name: multiplicity_by_class
-- description: Connection multiplicity (synapses per connected axon-target pair) by axon class x
--   target class: connections, synapses, mean, median, quartiles, maximum, and how many
--   connections have two or more synapses.
-- columns: axon_class, target_class, connections, synapses, multiplicity_mean,
--   multiplicity_median, multiplicity_q1, multiplicity_q3, multiplicity_max, multi_synaptic
-- types: axon_class text, target_class text, connections int, synapses int,
--   multiplicity_mean float,
--   multiplicity_median float, multiplicity_q1 float, multiplicity_q3 float, multiplicity_max int,
--   multi_synaptic int
-- rule: 4 (a connection is a pair with at least one connectome synapse; its multiplicity is
--   their number), 5 (classes). Percentiles: linear interpolation (percentile_cont).
-- Pairs from connection; classes as their keys (one smallint per class name), names
-- joined to the few result rows.
WITH pairs AS (
    -- connection: one row per (axon, target) with its class keys, built by the load.
    SELECT axon_id, target_id, axon_class_key AS axon_key, target_class_key AS target_key,
           synapses::bigint AS synapses
    FROM connection
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
cells AS (
    SELECT axon_key, target_key,
           count(*) AS connections,
           sum(synapses)::bigint AS synapses,
           avg(synapses)::double precision AS multiplicity_mean,
           percentile_cont(ARRAY[0.5, 0.25, 0.75]) WITHIN GROUP (ORDER BY synapses) AS p,
           max(synapses) AS multiplicity_max,
           count(*) FILTER (WHERE synapses >= 2) AS multi_synaptic
    FROM pairs
    GROUP BY axon_key, target_key
)
SELECT coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class,
       c.connections, c.synapses, c.multiplicity_mean,
       c.p[1] AS multiplicity_median, c.p[2] AS multiplicity_q1, c.p[3] AS multiplicity_q3,
       c.multiplicity_max, c.multi_synaptic
FROM cells c
LEFT JOIN axon_class an
    ON an.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
   AND an.code = c.axon_key
LEFT JOIN target_class tn
    ON tn.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
   AND tn.code = c.target_key
ORDER BY 1, 2
