"""connectomedb: the L4 dense connectome in PostgreSQL and a graph database."""

__version__ = "0.1.0"
