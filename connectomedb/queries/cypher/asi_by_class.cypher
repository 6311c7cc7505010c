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
MATCH (a:Axon)-[:MAKES]->(s:Synapse)-[:ONTO]->(t:Target)
WHERE a.dataset = $dataset AND coalesce($synapse_type, s.type) = s.type
WITH a.class AS axon_class, t.class AS target_class,
     CASE WHEN s.asi_area = s.asi_area THEN s.asi_area ELSE NULL END AS asi
RETURN axon_class, target_class,
       count(*) AS synapses,
       count(asi) AS asi_count,
       count(*) - count(asi) AS asi_missing,
       avg(asi) AS asi_mean,
       percentileCont(asi, 0.5) AS asi_median,
       percentileCont(asi, 0.25) AS asi_q1,
       percentileCont(asi, 0.75) AS asi_q3
ORDER BY axon_class, target_class
