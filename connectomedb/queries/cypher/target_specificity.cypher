// name: target_specificity
// description: Per axon class, the fraction of its synapses onto each target class, and the
//   distribution over the class's axons of each axon's own fraction (mean, median, quartiles).
// params: min_axon_synapses int 1
// params: min_target_synapses int 1
// params: axon_class text null
// columns: axon_class, target_class, axons, synapses, fraction, axon_fraction_mean,
//   axon_fraction_median, axon_fraction_q1, axon_fraction_q3
// types: axon_class text, target_class text, axons int, synapses int, fraction float,
//   axon_fraction_mean float, axon_fraction_median float, axon_fraction_q1 float,
//   axon_fraction_q3 float
// rule: 2, 3, 5, 6 as class_matrix. An axon's fraction onto a target class = its kept synapses
//   onto that class / all its kept synapses; every axon with a kept synapse counts, with 0 for
//   target classes it does not contact; target classes = those of any kept synapse of the
//   dataset (a row for each, with synapses 0 where the class has none). axons = the axon
//   class's axons with a kept synapse, the same on every row of the class.
//   Percentiles: linear interpolation (percentile_cont).
// Without a target threshold (at most 1) every synapse of a kept axon is kept: the fractions
// are read from the AxonFraction histogram (per axon class, target class, axon's synapses and
// its synapses onto the target class, how many axons; rows without target_class count the
// class's n axons). Per cell, the k axons with a fraction > 0 as (fraction x, axons m, upto:
// axons with a fraction <= x); percentile_cont(q) over all n is interpolated between the
// positions floor and ceil of q (n - 1) of the ascending list, whose first n - k are 0 and
// whose position p >= n - k is the x with upto - m <= p - (n - k) < upto. (A sentinel
// {x: 0, m: 0} keeps the cells without a fraction > 0; + 0 * n types m as a sum.) With a
// target threshold the second part counts the fractions from CONNECTS_TO.
MATCH (h:AxonFraction {dataset: $dataset})
WHERE $min_target_synapses <= 1 AND h.axon_synapses >= $min_axon_synapses
  AND h.target_class IS NOT NULL
WITH collect(DISTINCT h.target_class) AS target_classes
MATCH (h:AxonFraction {dataset: $dataset})
WHERE $min_target_synapses <= 1 AND h.axon_synapses >= $min_axon_synapses
  AND h.target_class IS NULL AND coalesce($axon_class, h.axon_class) = h.axon_class
WITH target_classes, h.axon_class AS axon_class, sum(h.axons) AS n
UNWIND target_classes AS target_class
OPTIONAL MATCH (f:AxonFraction {dataset: $dataset})
WHERE f.axon_class = axon_class AND f.target_class = target_class
  AND f.axon_synapses >= $min_axon_synapses
WITH axon_class, target_class, n, f.synapses * 1.0 / f.axon_synapses AS x,
     sum(f.axons) AS m, sum(f.axons * f.synapses) AS s
WITH axon_class, target_class, n, coalesce(sum(m), 0) AS k, coalesce(sum(s), 0) AS synapses,
     coalesce(sum(m * x), 0.0) AS f_sum,
     collect(CASE WHEN x IS NULL THEN NULL ELSE {x: x, m: m} END) AS counted
UNWIND counted + [{x: 0.0, m: 0 * n}] AS e
UNWIND counted + [{x: 0.0, m: 0 * n}] AS b
WITH axon_class, target_class, n, k, synapses, f_sum, e.x AS x, e.m AS m,
     sum(CASE WHEN b.x <= e.x THEN b.m ELSE 0 END) AS upto
UNWIND [0.5, 0.25, 0.75] AS q
UNWIND [0, 1] AS side
WITH axon_class, target_class, n, k, synapses, f_sum, x, m, upto, q,
     q * (n - 1) - floor(q * (n - 1)) AS w, side,
     CASE side WHEN 0 THEN floor(q * (n - 1)) ELSE ceil(q * (n - 1)) END - (n - k) AS p
WITH axon_class, target_class, n, synapses, f_sum, q, w, side, p,
     min(CASE WHEN upto > p AND upto - m <= p THEN x END) AS at
WITH axon_class, target_class, n, synapses, f_sum, q, w,
     min(CASE WHEN side = 0 THEN CASE WHEN p < 0 THEN 0.0 ELSE at END END) AS lo,
     min(CASE WHEN side = 1 THEN CASE WHEN p < 0 THEN 0.0 ELSE at END END) AS hi
WITH axon_class, target_class, n, synapses, f_sum, q, lo + w * (hi - lo) AS value
WITH axon_class, target_class, n, synapses, f_sum,
     min(CASE WHEN q = 0.5 THEN value END) AS axon_fraction_median,
     min(CASE WHEN q = 0.25 THEN value END) AS axon_fraction_q1,
     min(CASE WHEN q = 0.75 THEN value END) AS axon_fraction_q3
WITH axon_class, sum(synapses) AS class_synapses,
     collect({target_class: target_class, axons: n, synapses: synapses, m: f_sum / n,
              md: axon_fraction_median, q1: axon_fraction_q1, q3: axon_fraction_q3}) AS cells
UNWIND cells AS cell
RETURN axon_class, cell.target_class AS target_class, cell.axons AS axons,
       cell.synapses AS synapses, cell.synapses * 1.0 / class_synapses AS fraction,
       cell.m AS axon_fraction_mean, cell.md AS axon_fraction_median,
       cell.q1 AS axon_fraction_q1, cell.q3 AS axon_fraction_q3
ORDER BY axon_class, target_class
UNION ALL
// (The bound on a.id stops the scans themselves without a target threshold: IDs are positive.)
MATCH (a:Axon {dataset: $dataset})-[:CONNECTS_TO]->(t:Target)
WHERE a.id < CASE WHEN $min_target_synapses > 1 THEN 9223372036854775807 ELSE 0 END
  AND a.synapses >= $min_axon_synapses
  AND (t.synapses >= $min_target_synapses OR t.class = 'AxonInitialSegment')
WITH collect(DISTINCT t.class) AS target_classes
MATCH (a:Axon {dataset: $dataset})-[c:CONNECTS_TO]->(t:Target)
WHERE a.id < CASE WHEN $min_target_synapses > 1 THEN 9223372036854775807 ELSE 0 END
  AND a.synapses >= $min_axon_synapses
  AND (t.synapses >= $min_target_synapses OR t.class = 'AxonInitialSegment')
  AND coalesce($axon_class, a.class) = a.class
WITH target_classes, a, t.class AS target_class, sum(c.synapses) AS synapses
WITH target_classes, a, sum(synapses) AS total,
     collect({target_class: target_class, synapses: synapses}) AS cells
UNWIND target_classes AS target_class
UNWIND cells AS cell
WITH a.id AS axon, a.class AS axon_class, total, target_class,
     sum(CASE WHEN cell.target_class = target_class THEN cell.synapses ELSE 0 END) AS synapses
WITH axon_class, target_class, synapses, synapses * 1.0 / total AS axon_fraction
// (sum(1) counts the axons with the integer type of the first part's n.)
WITH axon_class, target_class, sum(1) AS axons, sum(synapses) AS synapses,
     avg(axon_fraction) AS axon_fraction_mean,
     percentileCont(axon_fraction, 0.5) AS axon_fraction_median,
     percentileCont(axon_fraction, 0.25) AS axon_fraction_q1,
     percentileCont(axon_fraction, 0.75) AS axon_fraction_q3
WITH axon_class, sum(synapses) AS class_synapses,
     collect({target_class: target_class, axons: axons, synapses: synapses,
              m: axon_fraction_mean, md: axon_fraction_median,
              q1: axon_fraction_q1, q3: axon_fraction_q3}) AS cells
UNWIND cells AS cell
RETURN axon_class, cell.target_class AS target_class, cell.axons AS axons,
       cell.synapses AS synapses, cell.synapses * 1.0 / class_synapses AS fraction,
       cell.m AS axon_fraction_mean, cell.md AS axon_fraction_median,
       cell.q1 AS axon_fraction_q1, cell.q3 AS axon_fraction_q3
ORDER BY axon_class, target_class
