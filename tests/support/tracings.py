"""A loaded tracing environment shared by the tracing tests, and the pandas oracle.

The ``tiny`` synthetic dataset in PostgreSQL and in an embedded LadybugDB graph, its synthetic
tracings (``connectem``, with planted gaps and mergers, and ``typeem``) added through the
library, the segment under every node filled from the generator's truth (the CSV path; the
volume lookup is tested in test_tracings_volume.py), and the graph copy refreshed from PostgreSQL.
"""

from __future__ import annotations

import io
import shutil
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import psycopg

from connectomedb.config import Settings, load_settings
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.graph.ladybug import begin_ladybug_load
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import upgrade
from connectomedb.synth.generate import generate
from connectomedb.tracings.graph import graph_writer, sync_graph
from connectomedb.tracings.store import add_tracings, find_nml_files, set_node_segments
from connectomedb.tracings.synth import write_connectem, write_typeem
from support.cli import invoke_ok
from support.servers import with_database

DATASET = "tiny"


def tracing_evaluation(store: list[str], engine: str) -> pd.DataFrame:
    """The ``tracing_evaluation`` query of dataset ``tiny`` run by the command line in
    ``engine`` (``store``: its ``--home``/``--postgres-url`` options), read from its CSV."""
    csv = invoke_ok(
        "query",
        "run",
        "tracing_evaluation",
        "--dataset",
        DATASET,
        "--engine",
        engine,
        "--format",
        "csv",
        *store,
    )
    return pd.read_csv(io.StringIO(csv))


@dataclass
class TracingEnv:
    url: str
    settings: Settings
    source: SourceDataset
    folder: Path
    truth: dict[str, Any]
    typeem_truth: dict[str, Any]


def make_env(base_url: str, tmp: Path) -> TracingEnv:
    name = "tr_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(base_url, name)
    upgrade(url)
    source = generate("tiny", 0).dataset
    load_dataset(url, source, DATASET)
    settings = load_settings().with_overrides(
        home=str(tmp / "home"), postgres_url=url, graph_segments=True
    )
    # The graph's tracing queries read its segment layer.
    graph = begin_ladybug_load(
        settings.embedded_graph_dir, source, DATASET, replace=False, segments=True
    )
    assert graph is not None
    graph.prepare()
    graph.commit()
    truth = write_connectem(source, tmp / "connectem", seed=0)
    typeem_truth = write_typeem(tmp / "typeem", seed=0)
    add_tracings(
        url,
        find_nml_files([tmp / "connectem"]),
        "connectem",
        DATASET,
        after_write=graph_writer(settings, DATASET),
    )
    add_tracings(url, find_nml_files([tmp / "typeem"]), "typeem")
    with psycopg.connect(url) as conn:
        set_node_segments(conn, planted_segments(conn, tmp / "connectem"))
    sync_graph(settings, url, DATASET)
    return TracingEnv(url, settings, source, tmp, truth, typeem_truth)


def drop_env(env: TracingEnv, base_url: str) -> None:
    name = urlsplit(env.url).path.lstrip("/")
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(env.folder, ignore_errors=True)


def planted_segments(conn: psycopg.Connection, folder: Path) -> pd.DataFrame:
    """The generator's node → segment table with the database's tracing IDs."""
    truth = pd.read_csv(folder / "node_segments.csv")
    ids = pd.DataFrame(
        conn.execute(
            "SELECT t.tracing_id, f.name, t.tree_id FROM tracing t JOIN tracing_file f"
            " ON f.file_id = t.file_id"
        ).fetchall(),
        columns=["tracing_id", "file", "tree_id"],
    )
    return truth.merge(ids, on=["file", "tree_id"])


# --- what webknossos itself reads ----------------------------------------------------------


def webknossos_frames(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(trees, nodes, edges) of every NML file under ``folder`` through the public API
    ``webknossos.Skeleton.load``; edge lengths in µm from the file's voxel size."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import webknossos as wk
    trees, nodes, edges = [], [], []
    for path in sorted(folder.glob("*.nml")):
        skeleton = wk.Skeleton.load(path)
        scale = np.asarray(tuple(skeleton.voxel_size), dtype="float64")
        for tree in skeleton.flattened_trees():
            group = tree.group.name if tree.group is not skeleton else None
            trees.append((path.name, tree.id, tree.name, group))
            for n in tree.nodes:
                nodes.append(
                    (
                        path.name,
                        tree.id,
                        n.id,
                        *n.position,
                        n.radius,
                        n.comment,
                        bool(n.is_branchpoint),
                    )
                )
            for a, b in tree.edges:
                length = float(np.sqrt(((np.subtract(a.position, b.position) * scale) ** 2).sum()))
                edges.append((path.name, tree.id, a.id, b.id, length / 1000))
    return (
        pd.DataFrame(trees, columns=["file", "tree_id", "name", "group"]),
        pd.DataFrame(
            nodes,
            columns=[
                "file",
                "tree_id",
                "node_id",
                "x",
                "y",
                "z",
                "radius",
                "comment",
                "is_branch_point",
            ],
        ),
        pd.DataFrame(edges, columns=["file", "tree_id", "source_id", "target_id", "length_um"]),
    )


# --- the oracle of the evaluation queries --------------------------------------------------


def membership(source: SourceDataset) -> pd.DataFrame:
    parts = []
    for kind, neurites in (("axon", source.axons), ("target", source.targets)):
        parts.append(
            pd.DataFrame(
                {
                    "agglomerate_kind": kind,
                    "agglomerate_id": neurites.agglomerate.owner_ids(),
                    "segment_id": neurites.agglomerate.values.astype("int64"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def oracle(env: TracingEnv, ids: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tracing_evaluation, tracing_overlaps) computed with pandas from the NML files read by
    webknossos, the planted node segments and the generator's agglomerates. ``ids`` maps
    (file, tree_id) to tracing_id."""
    trees, nodes, edges = webknossos_frames(env.folder / "connectem")
    segs = pd.read_csv(env.folder / "connectem" / "node_segments.csv")
    key = ["file", "tree_id"]
    nodes = nodes.merge(segs, on=[*key, "node_id"]).merge(ids, on=key)
    edges = edges.merge(ids, on=key)
    trees = trees.merge(ids, on=key)
    on = nodes[nodes.segment_id > 0].merge(membership(env.source), on="segment_id")
    on = on[["tracing_id", "node_id", "agglomerate_kind", "agglomerate_id"]].drop_duplicates()
    agg = ["tracing_id", "agglomerate_kind", "agglomerate_id"]
    overlap = on.groupby(agg).size().rename("nodes").reset_index()
    both = edges.merge(on.rename(columns={"node_id": "source_id"}), on=["tracing_id", "source_id"])
    both = both.merge(
        on.rename(columns={"node_id": "target_id"}),
        on=["tracing_id", "target_id", "agglomerate_kind", "agglomerate_id"],
    )
    recovered = both.groupby(agg)["length_um"].sum().rename("path_length_um").reset_index()
    overlaps = overlap.merge(recovered, on=agg, how="left").fillna({"path_length_um": 0.0})
    overlaps = overlaps.sort_values(agg).reset_index(drop=True)

    per = trees.set_index("tracing_id").sort_index()
    per["nodes"] = nodes.groupby("tracing_id").size()
    per["path_length_um"] = edges.groupby("tracing_id")["length_um"].sum()
    per["path_length_um"] = per["path_length_um"].fillna(0.0)
    per["nodes_on_segments"] = nodes[nodes.segment_id > 0].groupby("tracing_id").size()
    per["nodes_on_segments"] = per["nodes_on_segments"].fillna(0).astype(int)
    per["fraction_on_segments"] = per["nodes_on_segments"] / per["nodes"]
    per["agglomerates"] = overlaps.groupby("tracing_id").size()
    per["agglomerates"] = per["agglomerates"].fillna(0).astype(int)
    ranked = (
        overlaps.sort_values(
            ["tracing_id", "path_length_um", "nodes", "agglomerate_kind", "agglomerate_id"],
            ascending=[True, False, False, True, True],
        )
        .drop_duplicates("tracing_id")
        .set_index("tracing_id")
    )
    per["best_kind"] = ranked["agglomerate_kind"]
    per["best_id"] = ranked["agglomerate_id"]
    per["best_nodes"] = ranked["nodes"]
    per["best_path_length_um"] = ranked["path_length_um"]
    per["recall"] = per["best_path_length_um"].fillna(0.0) / per["path_length_um"]
    per = per.reset_index().rename(columns={"name": "tracing_name"})
    evaluation = per[
        [
            "tracing_id",
            "file",
            "tree_id",
            "tracing_name",
            "nodes",
            "path_length_um",
            "nodes_on_segments",
            "fraction_on_segments",
            "agglomerates",
            "best_kind",
            "best_id",
            "best_nodes",
            "best_path_length_um",
            "recall",
        ]
    ]
    return evaluation, overlaps[[*agg, "nodes", "path_length_um"]]
