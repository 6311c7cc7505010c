// name: asi_pair_cv
// description: The plasticity test: for connections of exactly two synapses, the coefficient of
//   variation (CV) of their two ASI areas, next to the CV of the same synapses paired at random
//   (a fixed hash order), by axon class x target class.
// params: synapse_type text null
// params: axon_class text null
// params: target_class text null
// columns: axon_class, target_class, pairs, cv_mean, cv_median, random_pairs, random_cv_mean,
//   random_cv_median
// types: axon_class text, target_class text, pairs int, cv_mean float, cv_median float,
//   random_pairs int, random_cv_mean float, random_cv_median float
// rule: 4 (a connection of multiplicity exactly 2, counting all its connectome synapses), 5.
//   A connection counts when both synapses have an ASI area > 0 (and, when synapse_type is
//   given, are both of it: the multiplicity still counts every type). CV of two areas
//   x, y = sample standard deviation / mean = sqrt(2)*|x - y|/(x + y).
//   Random pairs: within each class pair, the counted synapses ordered by
//   h = (synapse_id * 2654435761) mod 2^32 (a bijection on IDs below 2^32, so no ties), the 1st
//   paired with the 2nd, the 3rd with the 4th, ...; an odd last synapse is left out.
//   Percentiles: linear interpolation (percentile_cont).
//   Neo4j variant: lists are 0-based and there is no list_sort, so the random pairing orders
//   the synapses with ORDER BY before collect().
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE c.synapses = 2
  AND coalesce($axon_class, a.class) = a.class AND coalesce($target_class, t.class) = t.class
MATCH (a)-[:MAKES]->(s:Synapse)-[:ONTO]->(t)
WITH a, t, count(*) AS n,
     sum(CASE WHEN s.asi_area > 0 AND coalesce($synapse_type, s.type) = s.type
              THEN 1 ELSE 0 END) AS counted,
     min(s.asi_area) AS lo, max(s.asi_area) AS hi, collect(s) AS members
WHERE n = 2 AND counted = 2
WITH a.class AS axon_class, t.class AS target_class,
     sqrt(2.0) * (hi - lo) / (hi + lo) AS cv, members
WITH axon_class, target_class, count(*) AS pairs, avg(cv) AS cv_mean,
     percentileCont(cv, 0.5) AS cv_median, collect(members) AS groups
UNWIND groups AS members
UNWIND members AS s
WITH axon_class, target_class, pairs, cv_mean, cv_median, s
ORDER BY axon_class, target_class, (s.id * 2654435761) % 4294967296, s.id
WITH axon_class, target_class, pairs, cv_mean, cv_median, collect(s.asi_area) AS areas
UNWIND range(0, size(areas) / 2 - 1) AS i
WITH axon_class, target_class, pairs, cv_mean, cv_median,
     sqrt(2.0) * abs(areas[2 * i] - areas[2 * i + 1]) / (areas[2 * i] + areas[2 * i + 1])
         AS random_cv
RETURN axon_class, target_class, pairs, cv_mean, cv_median,
       count(*) AS random_pairs, avg(random_cv) AS random_cv_mean,
       percentileCont(random_cv, 0.5) AS random_cv_median
ORDER BY axon_class, target_class
