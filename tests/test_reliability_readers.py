"""Readers during reloads: while ``connectomedb load --replace`` runs again and again, another
process keeps running the query library against PostgreSQL and the embedded graph. Every answer
is the old dataset's or the new one's (two ``tiny`` datasets with different seeds), never a
mixture and never an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import oracle
from support.cli import cli_env, run_cli
from support.datasets import valid_dataset
from support.frames import rows_of
from support.servers import fresh_database

from connectomedb.etl.extract import read_dataset

DATASET = "l4"
QUERIES = ("asi_by_class", "synapse_density", "class_matrix")
RELOADS = ("new", "old", "new", "old")

#: The reader process: queries in a loop until the stop file appears (at most 10 minutes),
#: one JSON line per answer.
READER = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import psycopg
from support.frames import rows_of
from connectomedb import queries
from connectomedb.stores.graph import LadybugGraphStore

url, graph_root, stop, out = sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
names = sys.argv[6].split(",")
deadline = time.monotonic() + 600
with open(out, "w") as sink, psycopg.connect(url, autocommit=True) as conn, \
        LadybugGraphStore(graph_root) as store:
    while not stop.exists() and time.monotonic() < deadline:
        for engine, target in (("sql", conn), ("cypher", store)):
            for name in names:
                record = {"engine": engine, "query": name, "at": time.monotonic()}
                try:
                    record["rows"] = rows_of(queries.run(name, target, dataset="l4"))
                except Exception as error:
                    record["error"] = f"{type(error).__name__}: {error}"
                sink.write(json.dumps(record) + "\n")
                sink.flush()
"""


@pytest.fixture
def setup(tmp_path: Path, embedded_server_url: str) -> Iterator[dict]:
    folders = {"old": valid_dataset(tmp_path / "old", 0), "new": valid_dataset(tmp_path / "new", 1)}
    for url in fresh_database(embedded_server_url):
        yield {"url": url, "home": tmp_path / "home", "folders": folders, "tmp": tmp_path}


def _expected(folders: dict[str, Path]) -> dict[str, dict[str, list]]:
    """Per query, per dataset: the oracle's rows (through JSON, as the reader writes them)."""
    sources = {k: read_dataset(v) for k, v in folders.items()}
    return {
        name: {
            k: json.loads(json.dumps(rows_of(oracle.answer(name, s)))) for k, s in sources.items()
        }
        for name in QUERIES
    }


def test_queries_during_replace_see_old_or_new_never_a_mixture(setup: dict) -> None:
    url, home, folders, tmp = setup["url"], setup["home"], setup["folders"], setup["tmp"]
    common = ["--dataset", DATASET, "--quiet", "--home", str(home), "--postgres-url", url]
    first = run_cli("load", str(folders["old"]), *common)
    assert first.returncode == 0, first.stderr
    expected = _expected(folders)
    for name in ("asi_by_class", "synapse_density"):
        assert expected[name]["old"] != expected[name]["new"], name

    stop, out = tmp / "stop", tmp / "answers.jsonl"
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            READER,
            str(Path(__file__).parent),
            url,
            str(home / "graph"),
            str(stop),
            str(out),
            ",".join(QUERIES),
        ],
        env=cli_env(),
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Let the reader get going before the first reload.
        deadline = time.monotonic() + 120
        while (not out.exists() or out.stat().st_size == 0) and time.monotonic() < deadline:
            assert reader.poll() is None, reader.communicate()
            time.sleep(0.1)
        windows = []
        for which in RELOADS:
            started = time.monotonic()
            result = run_cli("load", str(folders[which]), "--replace", *common)
            assert result.returncode == 0, result.stderr
            windows.append((started, time.monotonic()))
        stop.touch()
        _, err = reader.communicate(timeout=300)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, err

    records = [json.loads(line) for line in out.read_text().splitlines()]
    errors = [r for r in records if "error" in r]
    assert errors == [], errors[:3]
    seen: dict[str, set[str]] = {"sql": set(), "cypher": set()}
    during = 0
    for r in records:
        matches = [k for k, rows in expected[r["query"]].items() if r["rows"] == rows]
        assert matches, f"{r['engine']} {r['query']}: an answer of neither dataset: {r['rows']}"
        if r["query"] != "class_matrix":
            seen[r["engine"]].update(matches)
        during += any(a <= r["at"] <= b for a, b in windows)
    # Both datasets were seen by both engines, and answers were read while loads ran.
    assert seen == {"sql": {"old", "new"}, "cypher": {"old", "new"}}
    assert during > 0
