// name: asi_by_class
// description: Axon-spine interface (ASI) area in square micrometres by axon class x target
//   class: synapses, how many have an area and how many not, mean, median and quartiles.
// params: synapse_type text null
// columns: axon_class, target_class, synapses, asi_count, asi_missing, asi_mean, asi_median,
//   asi_q1, asi_q3
// types: axon_class text, target_class text, synapses int, asi_count int, asi_missing int,
//   asi_mean float, asi_median float, asi_q1 float, asi_q3 float
// rule: 2 (connectome synapses), 5 (classes). A missing area (NaN in the file) counts in
//   asi_missing and in no statistic. Percentiles: linear interpolation (percentile_cont).

// Reads CLASS_SYNAPSES (built by the load): one per class pair and synapse type, and over
// every type.
MATCH (a:AxonClass {dataset: $dataset})-[r:CLASS_SYNAPSES]->(t:TargetClass)
WHERE r.synapse_type = $synapse_type OR ($synapse_type IS NULL AND r.synapse_type IS NULL)
RETURN a.name AS axon_class, t.name AS target_class, r.synapses AS synapses,
       r.asi_count AS asi_count, r.synapses - r.asi_count AS asi_missing,
       r.asi_mean AS asi_mean, r.asi_median AS asi_median, r.asi_q1 AS asi_q1,
       r.asi_q3 AS asi_q3
ORDER BY axon_class, target_class
