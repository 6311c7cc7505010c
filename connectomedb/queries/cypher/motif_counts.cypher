// name: motif_counts
// description: How many instances of each connectivity motif there are, with the thresholds and
//   class filters of the listing queries of the same names (one row per motif).
// params: min_synapses int 2
// params: min_axons int 2
// params: min_targets int 2
// params: min_neuron_targets int 2
// params: min_shared int 2
// params: axon_class text null
// params: target_class text null
// columns: motif, instances
// types: motif text, instances int
// rule: as each listing query: multi_synaptic_connections (min_synapses), convergent_targets
//   and convergent_neurons (min_axons; neurons ignore target_class), divergent_axons
//   (min_targets, no neuron threshold), axon_neuron_multi_target (min_neuron_targets;
//   ignores target_class), shared_target_axon_pairs (min_shared), bifans. Ordered by motif.
OPTIONAL MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE c.synapses >= $min_synapses
  AND coalesce($axon_class, a.class) = a.class AND coalesce($target_class, t.class) = t.class
WITH count(c) AS multi_synaptic
OPTIONAL MATCH (a:Axon)-[c:CONNECTS_TO]->(t:Target {dataset: $dataset})
WHERE coalesce($axon_class, a.class) = a.class AND coalesce($target_class, t.class) = t.class
WITH multi_synaptic, t, count(c) AS axons
WITH multi_synaptic,
     sum(CASE WHEN t IS NOT NULL AND axons >= $min_axons THEN 1 ELSE 0 END) AS convergent_targets
OPTIONAL MATCH (a:Axon)-[c:CONNECTS_TO]->(t:Target {dataset: $dataset})
WHERE t.neuron_id IS NOT NULL AND coalesce($axon_class, a.class) = a.class
WITH multi_synaptic, convergent_targets, t.neuron_id AS neuron_id, count(DISTINCT a.id) AS axons
WITH multi_synaptic, convergent_targets,
     sum(CASE WHEN neuron_id IS NOT NULL AND axons >= $min_axons THEN 1 ELSE 0 END)
         AS convergent_neurons
OPTIONAL MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE coalesce($axon_class, a.class) = a.class AND coalesce($target_class, t.class) = t.class
WITH multi_synaptic, convergent_targets, convergent_neurons, a, count(c) AS targets
WITH multi_synaptic, convergent_targets, convergent_neurons,
     sum(CASE WHEN a IS NOT NULL AND targets >= $min_targets THEN 1 ELSE 0 END) AS divergent
OPTIONAL MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE t.neuron_id IS NOT NULL AND coalesce($axon_class, a.class) = a.class
WITH multi_synaptic, convergent_targets, convergent_neurons, divergent, a, t.neuron_id AS neuron_id,
     count(c) AS targets
WITH multi_synaptic, convergent_targets, convergent_neurons, divergent,
     sum(CASE WHEN neuron_id IS NOT NULL AND targets >= $min_neuron_targets THEN 1 ELSE 0 END)
         AS multi_target
OPTIONAL MATCH (x:Axon)-[:CONNECTS_TO]->(t:Target {dataset: $dataset})<-[:CONNECTS_TO]-(y:Axon)
WHERE x.id < y.id
  AND coalesce($axon_class, x.class) = x.class AND coalesce($axon_class, y.class) = y.class
  AND coalesce($target_class, t.class) = t.class
WITH multi_synaptic, convergent_targets, convergent_neurons, divergent, multi_target, x, y,
     count(t) AS shared
WITH multi_synaptic, convergent_targets, convergent_neurons, divergent, multi_target,
     sum(CASE WHEN x IS NOT NULL AND shared >= $min_shared THEN 1 ELSE 0 END) AS shared_pairs,
     sum(CASE WHEN x IS NOT NULL THEN shared * (shared - 1) / 2 ELSE 0 END) AS bifans
UNWIND [{motif: 'multi_synaptic_connections', instances: multi_synaptic},
        {motif: 'convergent_targets', instances: convergent_targets},
        {motif: 'convergent_neurons', instances: convergent_neurons},
        {motif: 'divergent_axons', instances: divergent},
        {motif: 'axon_neuron_multi_target', instances: multi_target},
        {motif: 'shared_target_axon_pairs', instances: shared_pairs},
        {motif: 'bifans', instances: bifans}] AS row
RETURN row.motif AS motif, row.instances AS instances
ORDER BY motif
