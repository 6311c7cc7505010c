-- name: class_matrix_vs_csv
-- description: The class matrix counted from the synapses next to the counts of connectome.csv
--   (table class_connectome, summed per class pair), to compare the two. Pass
--   min_axon_synapses 10 and min_target_synapses 10 to apply the paper's thresholds.
-- params: min_axon_synapses int 1
-- params: min_target_synapses int 1
-- columns: axon_class, target_class, synapses, csv_synapses, difference
-- rule: 2, 3, 5, 6 as class_matrix; csv_synapses sums the non-zero cells of connectome.csv;
--   difference = synapses - csv_synapses; a pair missing on one side counts 0 there.
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
    SELECT axon_class, target_class, count(*) AS synapses FROM kept GROUP BY 1, 2
),
csv AS (
    SELECT c.axon_class, c.target_class, sum(c.synapses)::bigint AS synapses
    FROM class_connectome c
    WHERE c.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
    GROUP BY 1, 2
)
SELECT coalesce(cells.axon_class, csv.axon_class) AS axon_class,
       coalesce(cells.target_class, csv.target_class) AS target_class,
       coalesce(cells.synapses, 0) AS synapses,
       coalesce(csv.synapses, 0) AS csv_synapses,
       coalesce(cells.synapses, 0) - coalesce(csv.synapses, 0) AS difference
FROM cells
FULL JOIN csv ON csv.axon_class = cells.axon_class AND csv.target_class = cells.target_class
ORDER BY 1, 2
