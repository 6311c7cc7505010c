"""Every code example of README.md and docs/*.md runs, against the demo dataset.

The fenced blocks are discovered, not listed: a section added to the docs is tested as soon as
it exists. Each block runs as a user would run it:

* ``sh`` (also ``bash``, ``shell``): with bash (``set -euo pipefail``), the project's
  ``connectomedb`` first on the PATH, in an empty working folder;
* ``python``: in a fresh interpreter;
* ``cypher``: on the embedded graph, with ``$dataset`` set to the demo dataset;
* ``sql``: on PostgreSQL.

All of them see the same settings through the environment (``CONNECTOMEDB_HOME``,
``CONNECTOMEDB_POSTGRES_URL``), which hold the demo dataset (``connectomedb synth --scale demo``
then ``connectomedb load --dataset demo``, the real command, once per test session). A block
passes when it exits 0 without a traceback; a query block must also return at least one row.

A block that cannot run here (it needs the real files, starts an interactive client, or runs the
test suite itself) is preceded by ``<!-- not-run: <reason> -->``. Blocks of ``text`` (printed
output), ``mermaid`` (diagrams) and the other languages in :data:`NOT_CODE` are not code. A
block without a language is an error: say what it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from support.servers import with_database

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNERS = {
    "sh": "sh",
    "bash": "sh",
    "shell": "sh",
    "python": "python",
    "cypher": "cypher",
    "sql": "sql",
}
NOT_CODE = {"text", "mermaid", "json", "csv"}
NOT_RUN = re.compile(r"^<!--\s*not-run:\s*(?P<reason>\S.*?)\s*-->$")
FENCE = re.compile(r"^```(?P<lang>[A-Za-z0-9_-]*)\s*$")
DATASET = "demo"
#: Seconds a single example may take (the report of the demo dataset is the slowest).
TIMEOUT = 600


@dataclass(frozen=True)
class Block:
    file: str
    line: int
    lang: str
    code: str
    not_run: str | None  # the reason given in the marker, or None

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}"


def blocks(paths: list[Path] = DOCS) -> list[Block]:
    """Every fenced block of the given Markdown files, with its language and marker."""
    found = []
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            fence = FENCE.match(lines[i])
            if fence is None:
                i += 1
                continue
            start = i
            i += 1
            body = []
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            previous = next((ln.strip() for ln in reversed(lines[:start]) if ln.strip()), "")
            marker = NOT_RUN.match(previous)
            found.append(
                Block(
                    file=str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name),
                    line=start + 1,
                    lang=fence.group("lang"),
                    code="\n".join(body) + "\n",
                    not_run=marker.group("reason") if marker else None,
                )
            )
            i += 1
    return found


BLOCKS = blocks()
RUNNABLE = [b for b in BLOCKS if b.lang in RUNNERS and b.not_run is None]


def test_blocks_are_found_and_labelled() -> None:
    assert len(RUNNABLE) >= 8  # README's shell, Python and Cypher examples, docs/queries.md's
    assert {RUNNERS[b.lang] for b in RUNNABLE} >= {"sh", "python", "cypher"}
    for block in BLOCKS:
        assert block.lang in RUNNERS or block.lang in NOT_CODE, (
            f"{block.id}: a code block needs a language ({', '.join(sorted(RUNNERS))}, or "
            f"{', '.join(sorted(NOT_CODE))} for what is not code)"
        )
        if block.not_run is not None:
            assert block.lang in RUNNERS, f"{block.id}: not-run marker on a {block.lang} block"


def test_the_discovery_reads_markers_and_languages(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```sh\necho 1\n```\n\n<!-- not-run: needs the real files -->\n\n```python\n"
        "import x\n```\n\n```\nplain\n```\n",
        encoding="utf-8",
    )
    got = [(b.line, b.lang, b.code, b.not_run) for b in blocks([page])]
    assert got == [
        (3, "sh", "echo 1\n", None),
        (9, "python", "import x\n", "needs the real files"),
        (13, "", "plain\n", None),
    ]


# --- the demo dataset, loaded once ---------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    env: dict[str, str]
    home: Path
    url: str


@pytest.fixture(scope="session")
def demo(embedded_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    name = "docs_" + uuid.uuid4().hex[:12]
    with psycopg.connect(embedded_server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(embedded_server_url, name)
    base = tmp_path_factory.mktemp("docs-examples")
    home = base / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONNECTOMEDB_", "NEO4J_"))}
    env.update(
        {
            "CONNECTOMEDB_HOME": str(home),
            "CONNECTOMEDB_POSTGRES_URL": url,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    cli = [sys.executable, "-m", "connectomedb.cli"]
    for args in (
        ["synth", str(base / "demo-data"), "--scale", "demo"],
        ["load", str(base / "demo-data"), "--dataset", DATASET, "--quiet"],
    ):
        done = subprocess.run(
            [*cli, *args], env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
        assert done.returncode == 0, done.stderr
    yield Demo(env, home, url)
    shutil.rmtree(base, ignore_errors=True)
    with psycopg.connect(embedded_server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_process(args: list[str], block: Block, demo: Demo, cwd: Path) -> None:
    done = subprocess.run(
        args, env=demo.env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 0, f"{block.id} exited {done.returncode}:\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, f"{block.id}:\n{done.stderr[-3000:]}"


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.id for b in RUNNABLE])
def test_example_runs(block: Block, demo: Demo, tmp_path: Path) -> None:
    runner = RUNNERS[block.lang]
    if runner == "sh":
        _run_process(["bash", "-c", "set -euo pipefail\n" + block.code], block, demo, tmp_path)
    elif runner == "python":
        _run_process([sys.executable, "-c", block.code], block, demo, tmp_path)
    elif runner == "cypher":
        from connectomedb.stores.graph import LadybugGraphStore

        with LadybugGraphStore(demo.home / "graph") as graph:
            frame = graph.run(block.code, {"dataset": graph.dataset_key(DATASET)})
        assert len(frame) > 0, f"{block.id}: no rows"
    else:
        with psycopg.connect(demo.url) as conn:
            rows = conn.execute(block.code).fetchall()
        assert len(rows) > 0, f"{block.id}: no rows"
