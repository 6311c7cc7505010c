// name: synapse_density
// description: Synapses per micrometre of skeleton path length by class, for axons (side 'axon',
//   output synapses) and targets (side 'target', input synapses): pooled density and the
//   distribution of the per-neurite density.
// columns: side, class, neurites, path_length_um, synapses, synapses_per_um, density_median,
//   density_q1, density_q3
// types: side text, class text, neurites int, path_length_um float, synapses int,
//   synapses_per_um float, density_median float, density_q1 float, density_q3 float
// rule: 3 (a neurite's connectome synapses), 5 (classes). Only neurites with a skeleton path
//   length > 0 count (path length = sum of the skeleton edge lengths at 11.24 x 11.24 x 28 nm
//   voxels). synapses_per_um = synapses / path_length_um summed over the class. Percentiles:
//   linear interpolation (percentile_cont).
// Reads the NeuriteClassStat nodes (built by the load from every axon and target of the files).
MATCH (s:NeuriteClassStat {dataset: $dataset})
WHERE s.skeleton_neurites > 0
RETURN s.side AS side, s.class AS class, s.skeleton_neurites AS neurites,
       s.path_length_um AS path_length_um, s.skeleton_synapses AS synapses,
       s.skeleton_synapses / s.path_length_um AS synapses_per_um,
       s.density_median AS density_median, s.density_q1 AS density_q1,
       s.density_q3 AS density_q3
ORDER BY side, class
