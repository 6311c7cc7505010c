"""The PostgreSQL data model (see ``docs/model.md``)."""

from connectomedb.schema.relational import DATA_TABLES, PARTITION_SCHEMA, Base, metadata

__all__ = ["DATA_TABLES", "PARTITION_SCHEMA", "Base", "metadata"]
