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
WITH collect({side: 'axon', class: a.class, length: a.path_length_um, synapses: a.synapses})
     AS axon_rows
OPTIONAL MATCH (t:Target {dataset: $dataset})
WHERE t.path_length_um > 0
WITH axon_rows,
     collect(CASE WHEN t IS NULL THEN NULL
             ELSE {side: 'target', class: t.class, length: t.path_length_um, synapses: t.synapses}
             END) AS target_rows
UNWIND axon_rows + target_rows AS r
WITH r.side AS side, r.class AS class, r.length AS length, r.synapses AS synapses
RETURN side, class,
       count(*) AS neurites,
       sum(length) AS path_length_um,
       sum(synapses) AS synapses,
       sum(synapses) / sum(length) AS synapses_per_um,
       percentileCont(synapses / length, 0.5) AS density_median,
       percentileCont(synapses / length, 0.25) AS density_q1,
       percentileCont(synapses / length, 0.75) AS density_q3
ORDER BY side, class
