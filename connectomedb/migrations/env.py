"""Alembic environment: runs migrations against the URL or connection given by connectomedb.

The configuration is built in code (``connectomedb.stores.postgres.alembic_config``); a caller
that already holds a connection passes it as ``config.attributes["connection"]``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from connectomedb.schema import PARTITION_SCHEMA, metadata

config = context.config
target_metadata = metadata


def _include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    # Per-dataset partitions are data created by loads, not part of the model; PostgreSQL also
    # lists, on each parent, a clone of every foreign key pointing at a referenced partition.
    schema = getattr(getattr(obj, "table", obj), "schema", None)
    if schema == PARTITION_SCHEMA:
        return False
    if type_ == "foreign_key_constraint":
        return obj.referred_table.schema != PARTITION_SCHEMA
    return True


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include_object,
        compare_type=True,
        transaction_per_migration=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set: pass a connection or a URL to Alembic.")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
