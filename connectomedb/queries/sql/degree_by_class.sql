-- name: degree_by_class
-- description: Synapses per axon (out-degree) and per target (in-degree) by class: the
--   distribution over every axon (side 'axon') or target (side 'target') of the class.
-- columns: side, class, neurites, synapses, degree_mean, degree_median, degree_q1, degree_q3,
--   degree_max
-- types: side text, class text, neurites int, synapses int, degree_mean float, degree_median float,
--   degree_q1 float, degree_q3 float, degree_max int
-- rule: 3 (an axon's/target's synapse count = its connectome synapses), 5 (classes). Every
--   neurite of the file counts, those without a connectome synapse with 0. Percentiles: linear
--   interpolation (percentile_cont).
-- Per-neurite connectome synapse counts from the materialized summaries every load refreshes
-- (every axon and target of the file, 0 for those without a connectome synapse).
WITH axon_degree AS (
    SELECT axon_class AS class, synapses AS degree
    FROM bi_axon_summary WHERE dataset = %(dataset)s
),
target_degree AS (
    SELECT target_class AS class, synapses AS degree
    FROM bi_target_summary WHERE dataset = %(dataset)s
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
