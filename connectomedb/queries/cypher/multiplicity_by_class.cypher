// name: multiplicity_by_class
// description: Connection multiplicity (synapses per connected axon-target pair) by axon class x
//   target class: connections, synapses, mean, median, quartiles, maximum, and how many
//   connections have two or more synapses.
// columns: axon_class, target_class, connections, synapses, multiplicity_mean,
//   multiplicity_median, multiplicity_q1, multiplicity_q3, multiplicity_max, multi_synaptic
// types: axon_class text, target_class text, connections int, synapses int,
//   multiplicity_mean float,
//   multiplicity_median float, multiplicity_q1 float, multiplicity_q3 float, multiplicity_max int,
//   multi_synaptic int
// rule: 4 (a connection is a pair with at least one connectome synapse; its multiplicity is
//   their number), 5 (classes). Percentiles: linear interpolation (percentile_cont).
MATCH (a:Axon)-[c:CONNECTS_TO]->(t:Target)
WHERE a.dataset = $dataset
WITH a.class AS axon_class, t.class AS target_class, c.synapses AS m
RETURN axon_class, target_class,
       count(*) AS connections,
       sum(m) AS synapses,
       avg(m) AS multiplicity_mean,
       percentileCont(m, 0.5) AS multiplicity_median,
       percentileCont(m, 0.25) AS multiplicity_q1,
       percentileCont(m, 0.75) AS multiplicity_q3,
       max(m) AS multiplicity_max,
       sum(CASE WHEN m >= 2 THEN 1 ELSE 0 END) AS multi_synaptic
ORDER BY axon_class, target_class
