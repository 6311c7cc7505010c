"""Motifs written in DotMotif's language, found on PostgreSQL (SQL) or the graph (Cypher).

::

    from connectomedb import motifs

    text = '''
    A -> C
    A -> D
    B -> C
    B -> D
    A.class = "Inhibitory"
    '''
    frame = motifs.find(text, conn, dataset="l4dense")            # one row per instance
    n = motifs.find(text, graph_store, dataset="l4dense", count=True)

The host graph is the connectome: nodes are axons (``id``, ``class``, ``synapses``) and
targets (``id``, ``class``, ``synapses``, ``neuron_id``); edges are connections (axon, target)
with ``synapses``, ``asi_area_sum`` and ``asi_area_count`` (docs/motifs.md).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from connectomedb.motifs.model import Motif, MotifError, MotifNotLoadedError, parse
from connectomedb.stores.sql import Connection

__all__ = ["Motif", "MotifError", "parse", "find", "compile_motif"]


def compile_motif(
    motif: Motif | str,
    engine: str,
    *,
    count: bool = False,
    limit: int | None = 1000,
    all_mappings: bool = False,
) -> tuple[str, dict[str, Any]]:
    """The statement and parameters (without ``dataset``) for ``engine`` (``sql``/``cypher``).

    Each instance is found once unless ``all_mappings`` (then every mapping of the motif's
    nodes, as DotMotif without ``exclude_automorphisms``)."""
    from connectomedb.motifs.cypher import CypherBuilder
    from connectomedb.motifs.sql import SqlBuilder

    m = parse(motif) if isinstance(motif, str) else motif
    order = None if all_mappings else m.order_pairs()
    if order is None and not all_mappings and not count:
        raise MotifError(
            "this motif's symmetries do not swap interchangeable nodes only, so its instances "
            "cannot be listed once each; count them (--count) or list every mapping "
            "(--all-mappings)."
        )
    builder = SqlBuilder if engine == "sql" else CypherBuilder
    return builder.compile(m, order=order, count=count, limit=limit)


def find(
    motif: Motif | str,
    conn: Connection,
    *,
    dataset: str | None = None,
    engine: str | None = None,
    count: bool = False,
    limit: int | None = 1000,
    all_mappings: bool = False,
) -> pd.DataFrame | int:
    """The motif's instances in ``dataset``: a DataFrame with one column per motif node (its
    axon or target ID, in the motif's node order), ordered by all columns, at most ``limit``
    rows; or, with ``count``, their number.

    ``conn`` is a PostgreSQL connection (psycopg or SQLAlchemy; the SQL compilation runs) or a
    graph store (the Cypher one runs). Each instance is found once: mappings that differ by
    a symmetry of the motif (with its constraints) count once. ``all_mappings`` returns every
    mapping instead. Raises :class:`MotifError` for a motif that cannot apply.
    """
    from connectomedb import queries

    m = parse(motif) if isinstance(motif, str) else motif
    detected = queries.detect_engine(conn)
    if engine is not None and engine != detected:
        raise MotifError(
            f"engine {engine!r} was asked for but the connection is a {detected} connection."
        )
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise MotifError(f"limit must be a whole number >= 0 or None, not {limit!r}.")
    order = None if all_mappings else m.order_pairs()
    divide = 1 if (all_mappings or order is not None) else len(m.automorphisms)
    text, params = compile_motif(m, detected, count=count, limit=limit, all_mappings=all_mappings)
    frame = queries.run_statement(
        conn, sql=text, cypher=text, params=params, dataset=dataset, error=MotifNotLoadedError
    )
    if count:
        total = int(frame.iloc[0, 0]) if len(frame) else 0
        return total // divide
    aliases = [f"n{i}" for i in range(len(m.names))]
    if frame.empty:
        frame = pd.DataFrame(columns=aliases)
    frame = frame[aliases].astype("int64")
    frame.columns = m.names
    return frame.reset_index(drop=True)
