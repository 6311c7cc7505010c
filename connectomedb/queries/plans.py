"""How :func:`connectomedb.queries.run` answers a named query on a graph store when a single
statement would do more work than its answer needs.

A Cypher query file whose parts are joined by ``UNION ALL`` lines, each part guarded by
conditions on the parameters that at most one part meets, is a correct standalone query (the
library's users read and run it as it is). A graph store may still evaluate a part whose guard
is false (LadybugDB enumerates the listing's axon pairs even when its guard excludes them all),
so the Python API runs the parts of the files of :data:`PLANS` one at a time, in the file's
order, and stops at the first part that returns rows: the union of parts of which at most one
returns rows is that part's rows. Those files put their cheap parts first.

``shared_target_axon_pairs`` goes further when the scope stores fewer pairs than ``limit`` and
``min_shared`` is below 2: instead of counting the shared targets of every pair of the scope
(the file's second part, which LadybugDB takes seconds over), it reads the stored pairs and then
enumerates the pairs sharing one target axon by axon, in ascending ranges of axon IDs (the
first one as wide as the scope's count of such pairs in ``MotifHistogram`` suggests), until it
has the first ``limit`` rows of the order, as the SQL version does.

``tracing_evaluation`` and ``tracing_overlaps`` first count the dataset's tracings of the kind
asked for and return no rows without one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from connectomedb.queries.parameters import NO_LIMIT
from connectomedb.stores.graph import GraphStore

#: Pairs of the scope sharing exactly one target, of the first axons of a range of IDs,
#: in (axon_a, axon_b) order.
SINGLE_SHARED_PAIRS = """\
MATCH (x:Axon {dataset: $dataset})-[:CONNECTS_TO]->(t:Target)<-[:CONNECTS_TO]-(y:Axon)
WHERE x.id >= $from_id AND x.id < $to_id AND x.id < y.id
  AND coalesce($axon_class, x.class) = x.class AND coalesce($axon_class, y.class) = y.class
  AND coalesce($target_class, t.class) = t.class
WITH x, y, count(*) AS shared_targets
WHERE shared_targets = 1
RETURN x.id AS axon_a, y.id AS axon_b, x.class AS axon_a_class, y.class AS axon_b_class,
       shared_targets
ORDER BY axon_a, axon_b
LIMIT $limit"""

#: The largest axon ID of the dataset (the end of the ranges above) and how many pairs of the
#: scope share one target.
SINGLE_SHARED_COUNT = """\
MATCH (a:Axon {dataset: $dataset})
WITH max(a.id) AS last
OPTIONAL MATCH (h:MotifHistogram {dataset: $dataset, motif: 'shared_target_axon_pairs'})
WHERE h.value = 1
  AND (h.axon_class = $axon_class OR ($axon_class IS NULL AND h.axon_class IS NULL))
  AND (h.target_class = $target_class OR ($target_class IS NULL AND h.target_class IS NULL))
RETURN last, coalesce(sum(h.instances), 0) AS pairs"""

#: The first range of axon IDs is this many times as wide as the scope's pairs sharing one
#: target would need if they were spread evenly over the IDs; each next range is twice as wide.
MARGIN = 1.5

#: How many tracings of the kind asked for the dataset holds.
TRACINGS = """\
MATCH (t:Tracing {dataset: $dataset})
WHERE coalesce($kind, t.kind) = t.kind
RETURN count(*) AS tracings"""

#: Every statement the plans send besides the query files' parts (checked by the Cypher lint).
STATEMENTS = (SINGLE_SHARED_PAIRS, SINGLE_SHARED_COUNT, TRACINGS)

Plan = Callable[[GraphStore, list[str], dict[str, Any]], pd.DataFrame]


def parts(text: str) -> list[str]:
    """The parts of a Cypher query file joined by ``UNION ALL`` lines (the file itself when it
    has none)."""
    found: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip() == "UNION ALL":
            found.append([])
        else:
            found[-1].append(line)
    return ["\n".join(lines) for lines in found]


def first_with_rows(store: GraphStore, texts: list[str], params: dict[str, Any]) -> pd.DataFrame:
    """The rows of the first part that returns any (the last part's empty frame when none
    does)."""
    frame = pd.DataFrame()
    for text in texts:
        frame = store.run(text, params)
        if len(frame):
            break
    return frame


def shared_target_axon_pairs(
    store: GraphStore, texts: list[str], params: dict[str, Any]
) -> pd.DataFrame:
    """The file's first part (the stored pairs) when the listing needs no others; otherwise
    every stored pair of the scope followed by the first pairs sharing one target."""
    stored_part, every_pair = texts
    limit, min_shared = params["limit"], params["min_shared"]
    if min_shared < 2 and (limit is None or limit >= NO_LIMIT):
        return store.run(every_pair, params)
    # The stored pairs share at least 2 targets: with a lower min_shared they come first, and
    # the first part lists the first limit of them when asked for min_shared 2.
    stored = store.run(stored_part, {**params, "min_shared": max(min_shared, 2)})
    if min_shared >= 2 or len(stored) >= limit:
        return stored
    found = [stored]
    need = limit - len(stored)
    counts = store.run(SINGLE_SHARED_COUNT, params)
    last, pairs = counts["last"].iloc[0], int(counts["pairs"].iloc[0])
    if last is None or pd.isna(last) or pairs == 0:
        return stored
    last = int(last)
    width = last if pairs <= need else max(int(need / pairs * last * MARGIN), 1)
    start = 1
    while need > 0 and start <= last:
        rows = store.run(
            SINGLE_SHARED_PAIRS,
            {**params, "from_id": start, "to_id": start + width, "limit": need},
        )
        found.append(rows)
        need -= len(rows)
        start, width = start + width, width * 2
    found = [f for f in found if len(f)]
    return pd.concat(found, ignore_index=True) if found else stored


def with_tracings(store: GraphStore, texts: list[str], params: dict[str, Any]) -> pd.DataFrame:
    """No rows when the dataset holds no tracing of the kind asked for; otherwise the query.
    (LadybugDB joins every agglomerate's segments before it finds that no tracing node needs
    them: 57 s for ``tracing_overlaps`` and 230 s for ``tracing_evaluation`` at full scale on
    a dataset without tracings.)"""
    if not int(store.run(TRACINGS, params)["tracings"].iloc[0]):
        return pd.DataFrame()
    return store.run("\nUNION ALL\n".join(texts), params)


#: The queries run another way than as one statement, and how.
PLANS: Mapping[str, Plan] = {
    "shared_target_axon_pairs": shared_target_axon_pairs,
    "target_specificity": first_with_rows,
    "tracing_evaluation": with_tracings,
    "tracing_overlaps": with_tracings,
}


def run_cypher(store: GraphStore, name: str, text: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run the Cypher ``text`` of the named query ``name`` on ``store`` (module docstring)."""
    plan = PLANS.get(name)
    if plan is None:
        return store.run(text, params)
    return plan(store, parts(text), params)
