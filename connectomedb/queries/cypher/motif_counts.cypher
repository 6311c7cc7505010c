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

// Reads the MotifHistogram nodes (built by the load): per motif and class filter, how many
// instances have each value of the thresholded quantity (bi-fans have no threshold).
UNWIND [{motif: 'axon_neuron_multi_target', threshold: $min_neuron_targets, by_target: false},
        {motif: 'bifans', threshold: 0, by_target: true},
        {motif: 'convergent_neurons', threshold: $min_axons, by_target: false},
        {motif: 'convergent_targets', threshold: $min_axons, by_target: true},
        {motif: 'divergent_axons', threshold: $min_targets, by_target: true},
        {motif: 'multi_synaptic_connections', threshold: $min_synapses, by_target: true},
        {motif: 'shared_target_axon_pairs', threshold: $min_shared, by_target: true}] AS m
OPTIONAL MATCH (h:MotifHistogram {dataset: $dataset, motif: m.motif})
WHERE h.value >= m.threshold
  AND (h.axon_class = $axon_class OR ($axon_class IS NULL AND h.axon_class IS NULL))
  AND ((m.by_target AND h.target_class = $target_class)
       OR (($target_class IS NULL OR NOT m.by_target) AND h.target_class IS NULL))
WITH m.motif AS motif, sum(coalesce(h.instances, 0)) AS instances
RETURN motif, instances
ORDER BY motif
