"""CSV files for ``neo4j-admin database import full``: the fastest way to put a whole dataset
into a new Neo4j database.

One header file and one data file per node label and per (relationship type, from, to), in
the import tool's header format: ``:ID(<Label>)`` (one ID space per label: the published ID,
or the name of a class node), typed properties such as ``id:long``, ``asi_area:double``,
``in_connectome:boolean``, ``loaded_at:datetime``, ``file_names:string[]`` (``;``-separated),
then ``:LABEL``; relationships ``:START_ID(<From>)``, ``:END_ID(<To>)``, properties, ``:TYPE``.
The ID column is not stored as a property (its header has no name); ``id`` is written again as
a typed ``long`` property. Empty fields are missing properties. ``schema.cypher`` holds the
uniqueness constraints to create once the database is started.

The dataset key is ``<name>@<version>`` with ``current = true``, as the Neo4j loader writes it,
so the graph store and the query library work on the imported database unchanged.
"""

from __future__ import annotations

import csv
import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from connectomedb.etl.load.graph import ProgressFn
from connectomedb.etl.load.graph.ladybug import constant_strings, node_table, rel_table
from connectomedb.etl.load.graph.neo4j import schema_statements
from connectomedb.etl.transform_graph import GraphFrames
from connectomedb.schema.graph import NODES, RELS

ARRAY_DELIMITER = ";"


@dataclass(frozen=True)
class ImportFile:
    """One data source of the import: header file, data file, rows."""

    kind: str  # "nodes" or "relationships"
    name: str  # label, or "TYPE From To"
    header: Path
    data: Path
    rows: int


@dataclass
class ImportFiles:
    outdir: Path
    files: list[ImportFile] = field(default_factory=list)
    schema: Path | None = None
    command: str = ""
    seconds: float = 0.0

    @property
    def bytes(self) -> int:
        return sum(f.data.stat().st_size + f.header.stat().st_size for f in self.files)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


def node_header(label: str) -> list[str]:
    node = NODES[label]
    fields = [f":ID({label})"]
    fields += [f"{p.name}:{p.type.neo4j_import}" for p in node.props]
    return fields + [":LABEL"]


def rel_header(rtype: str, frm: str, to: str) -> list[str]:
    fields = [f":START_ID({frm})", f":END_ID({to})"]
    fields += [f"{p.name}:{p.type.neo4j_import}" for p in RELS[rtype].props]
    return fields + [":TYPE"]


def _write_header(path: Path, fields: list[str]) -> None:
    path.write_text(",".join(fields) + "\n", encoding="utf-8")


def _write_rows(path: Path, table: pa.Table) -> None:
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    pacsv.write_csv(table, str(path), write_options=options)


def _dataset_row(props: Mapping[str, Any]) -> list[str]:
    """The ``Dataset`` node's line (lists and the timestamp have no Arrow CSV form)."""
    values: list[str] = [str(props["dataset"])]
    for prop in NODES["Dataset"].props:
        value = props[prop.name]
        if isinstance(value, list):
            values.append(ARRAY_DELIMITER.join(str(v) for v in value))
        elif isinstance(value, (bool, np.bool_)):
            values.append("true" if value else "false")
        elif hasattr(value, "isoformat"):
            # LadybugDB returns its UTC timestamps without a zone; Neo4j its own DateTime.
            ts = pd.Timestamp(value.to_native() if hasattr(value, "to_native") else value)
            ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
            values.append(ts.isoformat().replace("+00:00", "Z"))
        else:
            values.append(str(value))
    return values + ["Dataset"]


def write_neo4j_import(
    frames: GraphFrames,
    dataset: Mapping[str, Any],
    outdir: Path,
    *,
    database: str = "neo4j",
    progress: ProgressFn | None = None,
) -> ImportFiles:
    """Write the import files of one dataset into ``outdir`` (created; existing files of the
    same names are replaced). ``dataset``: the ``Dataset`` node properties, with
    ``dataset`` = the key every node gets."""
    started = time.perf_counter()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    key = str(dataset["dataset"])
    result = ImportFiles(outdir=outdir)
    total = frames.total_rows + 1
    done = 0

    header, data = outdir / "Dataset.header.csv", outdir / "Dataset.csv"
    _write_header(header, node_header("Dataset"))
    with open(data, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(_dataset_row({**dataset, "current": True}))
    result.files.append(ImportFile("nodes", "Dataset", header, data, 1))
    done += 1

    for label, frame in frames.nodes.items():
        if frame.empty:
            continue
        table = node_table(label, frame, key)
        id_column = table.column(NODES[label].key).cast(pa.string())
        table = table.add_column(0, "import_id", id_column)
        table = table.append_column("label", constant_strings(label, len(frame)))
        header, data = outdir / f"{label}.header.csv", outdir / f"{label}.csv"
        _write_header(header, node_header(label))
        _write_rows(data, table)
        result.files.append(ImportFile("nodes", label, header, data, len(frame)))
        done += len(frame)
        if progress is not None:
            progress(f"nodes {label}", done, total)

    for (rtype, frm, to), frame in frames.rels.items():
        if frame.empty:
            continue
        table = rel_table(rtype, frm, to, frame)
        table = table.append_column("type", constant_strings(rtype, len(frame)))
        stem = f"{rtype}.{frm}.{to}"
        header, data = outdir / f"{stem}.header.csv", outdir / f"{stem}.csv"
        _write_header(header, rel_header(rtype, frm, to))
        _write_rows(data, table)
        result.files.append(
            ImportFile("relationships", f"{rtype} {frm} {to}", header, data, len(frame))
        )
        done += len(frame)
        if progress is not None:
            progress(f"rels {rtype} {frm}→{to}", done, total)

    schema = outdir / "schema.cypher"
    schema.write_text("".join(s.text + ";\n" for s in schema_statements()), encoding="utf-8")
    result.schema = schema
    result.command = import_command(result, database)
    result.seconds = time.perf_counter() - started
    return result


def import_command(files: ImportFiles, database: str = "neo4j") -> str:
    """The ``neo4j-admin`` command line that imports ``files`` into a new database."""
    parts = ["neo4j-admin", "database", "import", "full", database]
    for f in files.files:
        option = "--nodes" if f.kind == "nodes" else "--relationships"
        parts.append(f"{option}={f.header.resolve()},{f.data.resolve()}")
    parts.append(f"--array-delimiter={ARRAY_DELIMITER}")
    return " ".join(shlex.quote(p) for p in parts)


def frames_from_store(store: Any, name: str) -> tuple[GraphFrames, dict[str, Any]]:
    """The frames and ``Dataset`` properties of a dataset read back from a graph store."""
    from connectomedb.schema.graph import NODE_LABELS, REL_PAIRS
    from connectomedb.schema.graph import quote_identifier as q

    key = store.dataset_key(name)
    meta = store.run(
        f"MATCH (d:{q('Dataset')} {{{q('dataset')}: $dataset}}) RETURN "
        + ", ".join(f"d.{q(p)} AS {q(p)}" for p in NODES["Dataset"].prop_names),
        {"dataset": key},
    )
    dataset = {c: meta[c].iloc[0] for c in meta.columns}
    nodes: dict[str, pd.DataFrame] = {}
    for node in NODE_LABELS:
        if node.name == "Dataset":
            continue
        cols = [p.name for p in node.data_props]
        df = store.run(
            f"MATCH (n:{q(node.name)} {{{q('dataset')}: $dataset}}) RETURN "
            + ", ".join(f"n.{q(c)} AS {q(c)}" for c in cols)
            + f" ORDER BY n.{q(node.key)}",
            {"dataset": key},
        )
        nodes[node.name] = _typed(df, {p.name: p.type for p in node.data_props})
    rels: dict[tuple[str, str, str], pd.DataFrame] = {}
    for rtype, frm, to in REL_PAIRS:
        props = RELS[rtype].props
        ret = [f"a.{q(NODES[frm].key)} AS `from`", f"b.{q(NODES[to].key)} AS `to`"]
        ret += [f"e.{q(p.name)} AS {q(p.name)}" for p in props]
        df = store.run(
            f"MATCH (a:{q(frm)} {{{q('dataset')}: $dataset}})-[e:{q(rtype)}]->(b:{q(to)}) "
            f"RETURN {', '.join(ret)}",
            {"dataset": key},
        )
        types = {"from": NODES[frm].key_type, "to": NODES[to].key_type}
        types.update({p.name: p.type for p in props})
        rels[(rtype, frm, to)] = _typed(df, types)
    return GraphFrames(nodes=nodes, rels=rels), dataset


def _typed(df: pd.DataFrame, types: Mapping[str, Any]) -> pd.DataFrame:
    """Store results in the frames' dtypes (nullable integers, floats, objects)."""
    from connectomedb.schema.graph import PropType

    nullable = {
        PropType.INT16: "Int16",
        PropType.INT32: "Int32",
        PropType.INT64: "Int64",
        PropType.DOUBLE: "float64",
        PropType.BOOL: "boolean",
        PropType.STRING: object,
    }
    out = pd.DataFrame(index=range(len(df)))
    for col, type_ in types.items():
        values = df[col] if col in df.columns else pd.Series([None] * len(df))
        out[col] = values.reset_index(drop=True).astype(nullable[type_])
    return out
