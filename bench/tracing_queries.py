"""Benchmark of the tracing evaluation queries on a loaded dataset with tracings in it.

``tracing_evaluation`` and ``tracing_overlaps`` run with and without ``kind`` on PostgreSQL
(SQL) and on the embedded LadybugDB graph (Cypher); the median of ``--repeat`` runs after one
warm-up is printed (the warm-up's time alone when it took over 20 s), with its
multiple of a baseline measured in the same run (a count of the dataset's synapses on each
engine). The SQL and Cypher answers are compared.

The tracings are made from the loaded dataset itself (once; kept in the database):
``--tracings`` trees of a few hundred to a few thousand nodes, each following the segments of
3 to 15 axons or targets (as a tracing of a neurite the reconstruction split in pieces: one to
three nodes per segment, each agglomerate's segments along its longest axis), about half with a
gap (a run of nodes on no segment) and half with a merger (a short chain on another
agglomerate's segments). Three quarters are of kind ``connectem``, the rest
``manual-neurons``. They are added with the library's ``tracings add`` path and their node
segments stored, then the graph copy is made again from PostgreSQL with the code of this
checkout (``sync_graph``), so a change of the graph model is measured as it would be written.

    connectomedb load out/full --home HOME          # once
    python -m bench.tracing_queries --home HOME --dataset full
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg

from bench.measure import median_ms

KINDS = ("connectem", "manual-neurons")


def _agglomerates(pg: psycopg.Connection, dataset: str) -> list[tuple[str, int]]:
    """(kind, id) of the axons and targets with at least 20 segments."""
    rows = []
    for kind, table, owner in (
        ("axon", "axon_segment", "axon_id"),
        ("target", "target_segment", "target_id"),
    ):
        found = pg.execute(
            f"SELECT {owner} FROM {table} WHERE dataset_id = "  # noqa: S608 - fixed names
            "(SELECT dataset_id FROM dataset WHERE name = %s) "
            f"GROUP BY {owner} HAVING count(*) >= 20 ORDER BY {owner}",
            (dataset,),
        ).fetchall()
        rows += [(kind, int(r[0])) for r in found]
    return rows


def _segments(pg: psycopg.Connection, dataset: str, kind: str, id_: int) -> np.ndarray:
    """(segment_id, x, y, z) of an agglomerate's segments, ordered along its longest axis."""
    table, owner = (
        ("axon_segment", "axon_id") if kind == "axon" else ("target_segment", "target_id")
    )
    rows = pg.execute(
        f"SELECT DISTINCT s.segment_id, s.x, s.y, s.z FROM {table} m "  # noqa: S608
        "JOIN segment s ON s.dataset_id = m.dataset_id AND s.segment_id = m.segment_id "
        "WHERE m.dataset_id = (SELECT dataset_id FROM dataset WHERE name = %s) "
        f"AND m.{owner} = %s",
        (dataset, id_),
    ).fetchall()
    arr = np.asarray(rows, dtype=np.int64)
    axis = int(np.argmax(arr[:, 1:].max(axis=0) - arr[:, 1:].min(axis=0))) + 1
    return arr[np.argsort(arr[:, axis], kind="stable")]


def _write_tracings(
    pg: psycopg.Connection, dataset: str, count: int, seed: int, outdir: Path
) -> pd.DataFrame:
    """NML files under ``outdir/<kind>/`` and the segment under every node (file, tree_id,
    node_id, segment_id). A tracing follows 3 to 15 agglomerates (a neurite the
    reconstruction split), one to three nodes per segment: a few hundred to a few thousand
    nodes."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import webknossos as wk

    pool = _agglomerates(pg, dataset)
    rng = np.random.default_rng(seed)
    node_rows = []
    for i in range(count):
        picks = rng.choice(len(pool), size=int(rng.integers(3, 16)), replace=False)
        parts = [_segments(pg, dataset, *pool[p]) for p in picks]
        segs = np.concatenate(parts)
        segs = np.repeat(segs, rng.integers(1, 4, size=len(segs)), axis=0)
        ids, xyz = segs[:, 0].copy(), segs[:, 1:]
        n = len(ids)
        if rng.random() < 0.5:  # a gap: a run of nodes off every segment
            first = int(rng.integers(1, n - 1))
            ids[first : first + max(1, n // 10)] = 0
        if rng.random() < 0.5:  # a merger: three nodes on another agglomerate's segments
            other = _segments(pg, dataset, *pool[int(rng.integers(len(pool)))])[:3]
            ids = np.concatenate([ids, other[:, 0]])
            xyz = np.concatenate([xyz, xyz[-1] + np.arange(1, len(other) + 1)[:, None]])
        set_kind = KINDS[0] if i % 4 else KINDS[1]
        name = f"bench-{i + 1:03d}.nml"
        skeleton = wk.Skeleton(voxel_size=(11.24, 11.24, 28.0), dataset_name=dataset)
        tree = skeleton.add_tree(f"tracing {i + 1}")
        nodes = [tree.add_node(position=tuple(int(v) for v in p)) for p in xyz]
        for a, b in zip(nodes, nodes[1:], strict=False):
            tree.add_edge(a, b)
        folder = outdir / set_kind
        folder.mkdir(parents=True, exist_ok=True)
        skeleton.save(folder / name)
        node_rows += [(name, tree.id, node.id, int(s)) for node, s in zip(nodes, ids, strict=True)]
    return pd.DataFrame(node_rows, columns=["file", "tree_id", "node_id", "segment_id"])


def _add_tracings(settings: Any, url: str, dataset: str, count: int, seed: int) -> None:
    from connectomedb.tracings.store import add_tracings, find_nml_files, set_node_segments

    outdir = settings.home / "bench-tracings"
    with psycopg.connect(url) as pg:
        segments = _write_tracings(pg, dataset, count, seed, outdir)
    for kind in KINDS:
        add_tracings(url, find_nml_files([outdir / kind]), kind, dataset)
    with psycopg.connect(url) as pg:
        ids = pd.DataFrame(
            pg.execute(
                "SELECT t.tracing_id, f.name, t.tree_id FROM tracing t JOIN tracing_file f "
                "ON f.file_id = t.file_id WHERE f.dataset = %s",
                (dataset,),
            ).fetchall(),
            columns=["tracing_id", "file", "tree_id"],
        )
        set_node_segments(pg, segments.merge(ids, on=["file", "tree_id"]))


def _same(sql: pd.DataFrame, cypher: pd.DataFrame) -> bool:
    if sql.shape != cypher.shape:
        return False
    a, b = sql.reset_index(drop=True), cypher.reset_index(drop=True)
    for column in a.columns:
        x, y = a[column], b[column]
        if pd.api.types.is_float_dtype(x) or pd.api.types.is_float_dtype(y):
            xs, ys = x.astype("float64").to_numpy(), y.astype("float64").to_numpy()
            if not np.allclose(xs, ys, rtol=1e-9, atol=1e-9, equal_nan=True):
                return False
        elif not (
            x.astype("object").where(x.notna(), None) == y.astype("object").where(y.notna(), None)
        ).all():
            return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="connectomedb home of the loaded dataset")
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--tracings", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from connectomedb import queries
    from connectomedb.config import load_settings
    from connectomedb.stores import postgres
    from connectomedb.stores.graph import LadybugGraphStore
    from connectomedb.tracings.graph import sync_graph

    settings = load_settings().with_overrides(home=args.home)
    url = postgres.resolve(settings).url
    with psycopg.connect(url) as pg:
        known = pg.execute(
            "SELECT count(*), coalesce(sum(nodes), 0) FROM tracing_file WHERE dataset = %s",
            (args.dataset,),
        ).fetchone()
    if not known[0]:
        t0 = time.perf_counter()
        _add_tracings(settings, url, args.dataset, args.tracings, args.seed)
        print(f"tracings written and added in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    t0 = time.perf_counter()
    sync_graph(settings, url, args.dataset)
    print(f"graph copy of the tracings made in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    store = LadybugGraphStore(settings.embedded_graph_dir)
    with psycopg.connect(url) as pg:
        trees, nodes = pg.execute(
            "SELECT count(*), coalesce(sum(t.nodes), 0) FROM tracing t JOIN tracing_file f "
            "ON f.file_id = t.file_id WHERE f.dataset = %s",
            (args.dataset,),
        ).fetchone()
        base_sql, _ = median_ms(
            lambda: pg.execute(
                "SELECT count(*) FROM synapse WHERE dataset_id = "
                "(SELECT dataset_id FROM dataset WHERE name = %s)",
                (args.dataset,),
            ).fetchone(),
            args.repeat,
        )
        key = store.dataset_key(args.dataset)
        base_cypher, _ = median_ms(
            lambda: store.run(
                "MATCH (s:Synapse {dataset: $dataset}) RETURN count(*)", {"dataset": key}
            ),
            args.repeat,
        )
        print(
            f"dataset {args.dataset}: {trees} tracings, {nodes} nodes; baseline count(*) of "
            f"its synapses: PostgreSQL {base_sql:.1f} ms, LadybugDB {base_cypher:.1f} ms"
        )
        print(
            "query                         rows  PostgreSQL ms  x base  LadybugDB ms  x base  same"
        )
        for name in ("tracing_evaluation", "tracing_overlaps"):
            for kind in (None, KINDS[0]):
                sql_ms, sql = median_ms(
                    lambda n=name, k=kind: queries.run(n, pg, dataset=args.dataset, kind=k),
                    args.repeat,
                )
                cy_ms, cy = median_ms(
                    lambda n=name, k=kind: queries.run(n, store, dataset=args.dataset, kind=k),
                    args.repeat,
                )
                label = f"{name} {kind or '*'}"
                print(
                    f"{label:<28}{len(sql):>6}  {sql_ms:>13.1f}  {sql_ms / base_sql:>5.1f}x"
                    f"  {cy_ms:>12.1f}  {cy_ms / base_cypher:>5.1f}x  {_same(sql, cy)}"
                )
    store.close()


if __name__ == "__main__":
    main()
