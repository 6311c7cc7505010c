"""What a failed load must leave alone: fingerprints of PostgreSQL and of the embedded graph."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg


def pg_fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """(rows, md5 of every row as text, sorted) of the dataset table and every data table,
    plus the partition tables that exist."""
    from connectomedb.schema import DATA_TABLES

    out: dict[str, tuple[int, str]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ["dataset", *(t.name for t in DATA_TABLES)]:
            row = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                f" FROM public.{table} t"
            ).fetchone()
            assert row is not None
            out[table] = (int(row[0]), str(row[1]))
        parts = conn.execute(
            "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'connectomedb_partitions'"
        ).fetchone()
        out["partition schema"] = (0, str(parts[0] if parts else ""))
    return out


def _tree(root: Path) -> list[tuple[str, int, str]]:
    """(relative path, size, sha256) of every file under ``root`` but the lock files."""
    out = []
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != ".lock":
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out.append((str(path.relative_to(root)), path.stat().st_size, digest))
        elif path.is_dir():
            out.append((str(path.relative_to(root)) + "/", 0, ""))
    return out


def graph_content(home: Path, dataset: str) -> dict[str, object]:
    """Node and relationship counts of ``dataset`` in the embedded graph and a hash of every
    node's and relationship's properties (read through the graph store)."""
    from connectomedb.config import Settings
    from connectomedb.schema.graph import NODE_LABELS, NODES, REL_TYPES, quote_identifier
    from connectomedb.stores.graph import open_graph_store

    q = quote_identifier
    digest = hashlib.sha256()
    with open_graph_store(Settings(home=home, postgres_url="unused")) as store:
        counts = store.counts(dataset)
        key = store.dataset_key(dataset)
        for node in NODE_LABELS:
            if node.name == "Dataset":
                continue  # loaded_at and version differ per load by design
            frame = store.run(
                f"MATCH (n:{q(node.name)} {{{q('dataset')}: $dataset}}) RETURN n",
                {"dataset": key},
            )
            # ``dataset`` is the dataset's name on every node: the same for the whole graph.
            rows = sorted(
                repr(
                    sorted(
                        (k, v)
                        for k, v in dict(n).items()
                        if not k.startswith("_") and k != "dataset"
                    )
                )
                for n in frame.iloc[:, 0]
            )
            digest.update("\n".join(rows).encode())
        for rel in REL_TYPES:
            for frm, to in rel.endpoints:
                frame = store.run(
                    f"MATCH (a:{q(frm)} {{{q('dataset')}: $dataset}})-[r:{q(rel.name)}]->"
                    f"(b:{q(to)}) RETURN a.{q(NODES[frm].key)} AS a, b.{q(NODES[to].key)} AS b,"
                    " r",
                    {"dataset": key},
                )
                rows = sorted(
                    repr(
                        (
                            str(a),
                            str(b),
                            sorted((k, v) for k, v in dict(r).items() if not k.startswith("_")),
                        )
                    )
                    for a, b, r in frame.itertuples(index=False)
                )
                digest.update(f"{rel.name} {frm} {to}\n".encode())
                digest.update("\n".join(rows).encode())
    return {"counts": counts, "content": digest.hexdigest()}


def graph_files(home: Path) -> list[tuple[str, int, str]]:
    """(path, size, sha256) of every file of the embedded graph under ``home``."""
    return _tree(home / "graph")


def graph_fingerprint(home: Path, dataset: str) -> dict[str, object]:
    """Every file of the embedded graph (bytes) plus :func:`graph_content` of ``dataset``."""
    files = graph_files(home)
    return {"files": files, **graph_content(home, dataset)}
