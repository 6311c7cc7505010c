"""The PostgreSQL data model (see ``docs/model.md``)."""

from connectomedb.schema import volumes as _volumes  # noqa: F401  (registers its tables)
from connectomedb.schema.derived import DATA_TABLES
from connectomedb.schema.relational import (
    PARTITION_SCHEMA,
    POSTGRES_MODEL_VERSION,
    STAGING_SCHEMA,
    Base,
    metadata,
)
from connectomedb.schema.tracings import TRACING_TABLES, TRAINING_TABLES

__all__ = [
    "DATA_TABLES",
    "PARTITION_SCHEMA",
    "POSTGRES_MODEL_VERSION",
    "STAGING_SCHEMA",
    "TRACING_TABLES",
    "TRAINING_TABLES",
    "Base",
    "metadata",
]
