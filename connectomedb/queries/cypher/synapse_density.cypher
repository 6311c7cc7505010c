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
MATCH (a:Axon {dataset: $dataset})
WHERE a.path_length_um > 0
RETURN 'axon' AS side, a.class AS class,
       count(*) AS neurites,
       sum(a.path_length_um) AS path_length_um,
       sum(a.synapses) AS synapses,
       sum(a.synapses) / sum(a.path_length_um) AS synapses_per_um,
       percentileCont(a.synapses / a.path_length_um, 0.5) AS density_median,
       percentileCont(a.synapses / a.path_length_um, 0.25) AS density_q1,
       percentileCont(a.synapses / a.path_length_um, 0.75) AS density_q3
ORDER BY side, class
UNION ALL
MATCH (t:Target {dataset: $dataset})
WHERE t.path_length_um > 0
RETURN 'target' AS side, t.class AS class,
       count(*) AS neurites,
       sum(t.path_length_um) AS path_length_um,
       sum(t.synapses) AS synapses,
       sum(t.synapses) / sum(t.path_length_um) AS synapses_per_um,
       percentileCont(t.synapses / t.path_length_um, 0.5) AS density_median,
       percentileCont(t.synapses / t.path_length_um, 0.25) AS density_q1,
       percentileCont(t.synapses / t.path_length_um, 0.75) AS density_q3
ORDER BY side, class
