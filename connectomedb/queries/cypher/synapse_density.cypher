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
// One aggregation per side (a few rows per class), then the two sides joined as lists so the
// order of the rows is the ORDER BY's on both engines (a UNION's branch order is not kept).
MATCH (a:Axon {dataset: $dataset})
WHERE a.path_length_um > 0
WITH a.class AS class, count(*) AS neurites,
     sum(a.path_length_um) AS path_length_um,
     sum(a.synapses) AS synapses,
     sum(a.synapses) / sum(a.path_length_um) AS synapses_per_um,
     percentileCont(a.synapses / a.path_length_um, 0.5) AS density_median,
     percentileCont(a.synapses / a.path_length_um, 0.25) AS density_q1,
     percentileCont(a.synapses / a.path_length_um, 0.75) AS density_q3
WITH collect({side: 'axon', class: class, neurites: neurites, path_length_um: path_length_um,
              synapses: synapses, synapses_per_um: synapses_per_um,
              density_median: density_median, density_q1: density_q1,
              density_q3: density_q3}) AS axon_rows
OPTIONAL MATCH (t:Target {dataset: $dataset})
WHERE t.path_length_um > 0
WITH axon_rows, t.class AS class, count(t) AS neurites,
     sum(t.path_length_um) AS path_length_um,
     sum(t.synapses) AS synapses,
     sum(t.synapses) / sum(t.path_length_um) AS synapses_per_um,
     percentileCont(t.synapses / t.path_length_um, 0.5) AS density_median,
     percentileCont(t.synapses / t.path_length_um, 0.25) AS density_q1,
     percentileCont(t.synapses / t.path_length_um, 0.75) AS density_q3
WITH axon_rows,
     collect(CASE WHEN neurites = 0 THEN NULL
             ELSE {side: 'target', class: class, neurites: neurites,
                   path_length_um: path_length_um, synapses: synapses,
                   synapses_per_um: synapses_per_um, density_median: density_median,
                   density_q1: density_q1, density_q3: density_q3} END) AS target_rows
UNWIND axon_rows + target_rows AS r
RETURN r.side AS side, r.class AS class, r.neurites AS neurites,
       r.path_length_um AS path_length_um, r.synapses AS synapses,
       r.synapses_per_um AS synapses_per_um, r.density_median AS density_median,
       r.density_q1 AS density_q1, r.density_q3 AS density_q3
ORDER BY side, class
