-- name: degree_by_class
-- description: Synapses per axon (out-degree) and per target (in-degree) by class: the
--   distribution over every axon (side 'axon') or target (side 'target') of the class.
-- columns: side, class, neurites, synapses, degree_mean, degree_median, degree_q1, degree_q3,
--   degree_max
-- rule: 3 (an axon's/target's synapse count = its connectome synapses), 5 (classes). Every
--   neurite of the file counts, those without a connectome synapse with 0. Percentiles: linear
--   interpolation (percentile_cont).
WITH conn AS (
    SELECT s.axon_id, s.target_id
    FROM synapse s
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND s.axon_id IS NOT NULL AND s.target_id IS NOT NULL
),
axon_degree AS (
    SELECT coalesce(ac.name, 'Unknown') AS class, coalesce(n.synapses, 0) AS degree
    FROM axon a
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN (SELECT axon_id, count(*) AS synapses FROM conn GROUP BY 1) n
        ON n.axon_id = a.axon_id
    WHERE a.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
target_degree AS (
    SELECT coalesce(tc.name, 'Unknown') AS class, coalesce(n.synapses, 0) AS degree
    FROM target t
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    LEFT JOIN (SELECT target_id, count(*) AS synapses FROM conn GROUP BY 1) n
        ON n.target_id = t.target_id
    WHERE t.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
degrees AS (
    SELECT 'axon' AS side, class, degree FROM axon_degree
    UNION ALL
    SELECT 'target' AS side, class, degree FROM target_degree
)
SELECT side, class,
       count(*) AS neurites,
       sum(degree)::bigint AS synapses,
       avg(degree)::double precision AS degree_mean,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY degree) AS degree_median,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY degree) AS degree_q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY degree) AS degree_q3,
       max(degree) AS degree_max
FROM degrees
GROUP BY side, class
ORDER BY side, class
