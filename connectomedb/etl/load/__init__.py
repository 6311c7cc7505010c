"""Load stages: PostgreSQL (``postgres``) and the graph (``graph``)."""
