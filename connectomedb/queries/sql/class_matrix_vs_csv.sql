-- name: class_matrix_vs_csv
-- description: The class matrix counted from the synapses next to the counts of connectome.csv
--   (table class_connectome, summed per class pair), to compare the two. Pass
--   min_axon_synapses 10 and min_target_synapses 10 to apply the paper's thresholds.
-- params: min_axon_synapses int 1
-- params: min_target_synapses int 1
-- columns: axon_class, target_class, synapses, csv_synapses, difference
-- types: axon_class text, target_class text, synapses int, csv_synapses int, difference int
-- requires: connectome.csv
-- rule: 2, 3, 5, 6 as class_matrix; csv_synapses sums the non-zero cells of connectome.csv;
--   difference = synapses - csv_synapses; a pair missing on one side counts 0 there.
-- The kept synapses per class pair from class_degree_cell and class_degree_suffix (built by
-- the load), the thresholds being filters on them as in class_matrix.
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
    SELECT axon_class_key, target_class_key, target_synapses, synapses
    FROM class_degree_suffix
    WHERE dataset_id = (SELECT dataset_id FROM d) AND axon_synapses = (SELECT a FROM anchor)
    UNION ALL
    SELECT axon_class_key, target_class_key, target_synapses, synapses
    FROM class_degree_cell
    WHERE dataset_id = (SELECT dataset_id FROM d) AND axon_synapses >= %(min_axon_synapses)s
      AND axon_synapses < coalesce((SELECT a FROM anchor), 2147483647)
),
-- Summed by class key first, then by name over the few sums.
cells AS (
    SELECT coalesce(an.name, 'Unknown') AS axon_class, coalesce(tn.name, 'Unknown') AS target_class,
           sum(c.synapses)::bigint AS synapses
    FROM (
        SELECT axon_class_key, target_class_key, sum(synapses)::bigint AS synapses
        FROM kept
        WHERE target_synapses >= %(min_target_synapses)s
           OR target_class_key IN (SELECT code FROM ais)
        GROUP BY 1, 2
        HAVING sum(synapses) > 0
    ) c
    LEFT JOIN axon_class an
        ON an.dataset_id = (SELECT dataset_id FROM d) AND an.code = c.axon_class_key
    LEFT JOIN target_class tn
        ON tn.dataset_id = (SELECT dataset_id FROM d) AND tn.code = c.target_class_key
    GROUP BY 1, 2
),
-- class_connectome_sum (migration 0012): class_connectome summed per class pair by the load.
csv AS (
    SELECT c.axon_class, c.target_class, c.synapses
    FROM class_connectome_sum c
    WHERE c.dataset_id = (SELECT dataset_id FROM d)
)
SELECT coalesce(cells.axon_class, csv.axon_class) AS axon_class,
       coalesce(cells.target_class, csv.target_class) AS target_class,
       coalesce(cells.synapses, 0) AS synapses,
       coalesce(csv.synapses, 0) AS csv_synapses,
       coalesce(cells.synapses, 0) - coalesce(csv.synapses, 0) AS difference
FROM cells
FULL JOIN csv ON csv.axon_class = cells.axon_class AND csv.target_class = cells.target_class
ORDER BY 1, 2
