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
// Reads CLASS_PAIR_CV (built by the load per class pair and synapse type, and over every
// type): a class filter keeps whole class pairs, so it filters the relationships.
MATCH (ac:AxonClass {dataset: $dataset})-[r:CLASS_PAIR_CV]->(tc:TargetClass)
WHERE (r.synapse_type = $synapse_type OR ($synapse_type IS NULL AND r.synapse_type IS NULL))
  AND coalesce($axon_class, ac.name) = ac.name AND coalesce($target_class, tc.name) = tc.name
RETURN ac.name AS axon_class, tc.name AS target_class, r.pairs AS pairs, r.cv_mean AS cv_mean,
       r.cv_median AS cv_median, r.random_pairs AS random_pairs,
       r.random_cv_mean AS random_cv_mean, r.random_cv_median AS random_cv_median
ORDER BY axon_class, target_class
