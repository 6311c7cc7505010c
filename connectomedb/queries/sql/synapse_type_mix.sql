-- name: synapse_type_mix
-- description: Synapse types (primary spine, secondary spine, shaft, soma) by axon class and by
--   target class: side 'axon' rows group by the axon's class, side 'target' rows by the
--   target's class.
-- columns: side, class, synapse_type, synapses, fraction
-- types: side text, class text, synapse_type text, synapses int, fraction float
-- rule: 2 (connectome synapses), 5 (classes from the files; type from synapses.hdf5).
--   fraction = synapses / all synapses of that class on that side. Only non-zero cells.

-- Reads class_synapse_stat (built by the load): synapses per class pair and synapse type.
WITH syn AS (
    SELECT axon_class, target_class, synapse_type, synapses
    FROM class_synapse_stat
    WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
      AND synapse_type IS NOT NULL
),
cells AS (
    SELECT 'axon' AS side, axon_class AS class, synapse_type, sum(synapses)::bigint AS synapses
    FROM syn GROUP BY 2, 3
    UNION ALL
    SELECT 'target' AS side, target_class AS class, synapse_type, sum(synapses)::bigint AS synapses
    FROM syn GROUP BY 2, 3
)
SELECT side, class, synapse_type, synapses,
       synapses::double precision / sum(synapses) OVER (PARTITION BY side, class) AS fraction
FROM cells
ORDER BY side, class, synapse_type
