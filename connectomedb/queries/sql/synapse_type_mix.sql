-- name: synapse_type_mix
-- description: Synapse types (primary spine, secondary spine, shaft, soma) by axon class and by
--   target class: side 'axon' rows group by the axon's class, side 'target' rows by the
--   target's class.
-- columns: side, class, synapse_type, synapses, fraction
-- rule: 2 (connectome synapses), 5 (classes from the files; type from synapses.hdf5).
--   fraction = synapses / all synapses of that class on that side. Only non-zero cells.
WITH syn AS (
    SELECT coalesce(ac.name, 'Unknown') AS axon_class,
           coalesce(tc.name, 'Unknown') AS target_class,
           coalesce(st.name, 'Unknown') AS synapse_type
    FROM synapse s
    JOIN axon a ON a.dataset_id = s.dataset_id AND a.axon_id = s.axon_id
    JOIN target t ON t.dataset_id = s.dataset_id AND t.target_id = s.target_id
    LEFT JOIN axon_class ac ON ac.dataset_id = a.dataset_id AND ac.code = a.class_code
    LEFT JOIN target_class tc ON tc.dataset_id = t.dataset_id AND tc.code = t.class_code
    LEFT JOIN synapse_type st ON st.dataset_id = s.dataset_id AND st.code = s.type_code
    WHERE s.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
),
cells AS (
    SELECT 'axon' AS side, axon_class AS class, synapse_type, count(*) AS synapses
    FROM syn GROUP BY 2, 3
    UNION ALL
    SELECT 'target' AS side, target_class AS class, synapse_type, count(*) AS synapses
    FROM syn GROUP BY 2, 3
)
SELECT side, class, synapse_type, synapses,
       synapses::double precision / sum(synapses) OVER (PARTITION BY side, class) AS fraction
FROM cells
ORDER BY side, class, synapse_type
