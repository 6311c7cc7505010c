"""The PostgreSQL data model (see ``docs/model.md``)."""

from connectomedb.schema import volumes as _volumes  # noqa: F401  (registers its tables)
from connectomedb.schema.relational import DATA_TABLES, PARTITION_SCHEMA, Base, metadata

__all__ = ["DATA_TABLES", "PARTITION_SCHEMA", "Base", "metadata"]
