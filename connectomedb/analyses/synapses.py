"""The connectome synapses of one dataset with their classes, fetched once (SQL or Cypher).

Columns: ``synapse_id``, ``axon_id``, ``target_id``, ``synapse_type``, ``axon_class``,
``target_class``, ``asi_area`` (NaN when missing), ``axon_synapses``, ``target_synapses``
(the connectome synapse counts of the synapse's axon and target, counting rule 3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from connectomedb.stores.sql import Connection

COLUMNS = [
    "synapse_id",
    "axon_id",
    "target_id",
    "synapse_type",
    "axon_class",
    "target_class",
    "asi_area",
    "axon_synapses",
    "target_synapses",
]

_SQL = """
SELECT synapse_id, axon_id, target_id, synapse_type, axon_class, target_class, asi_area,
       axon_synapses, target_synapses
FROM connectome_synapse
WHERE dataset_id = (SELECT dataset_id FROM dataset WHERE name = %(dataset)s)
ORDER BY synapse_id
"""
_CYPHER = """
MATCH (a:Axon {dataset: $dataset})-[:MAKES]->(s:Synapse)-[:ONTO]->(t:Target)
RETURN s.id AS synapse_id, a.id AS axon_id, t.id AS target_id, s.type AS synapse_type,
       a.class AS axon_class, t.class AS target_class, s.asi_area AS asi_area,
       a.synapses AS axon_synapses, t.synapses AS target_synapses
ORDER BY synapse_id
"""


def fetch_synapses(conn: Connection, dataset: str | None = None) -> pd.DataFrame:
    """The dataset's connectome synapses (columns: :data:`COLUMNS`)."""
    from connectomedb import queries

    frame = queries.run_statement(conn, sql=_SQL, cypher=_CYPHER, dataset=dataset)
    if frame.empty:
        frame = pd.DataFrame(columns=COLUMNS)
    frame = frame[COLUMNS].copy()
    for col in ("synapse_id", "axon_id", "target_id", "axon_synapses", "target_synapses"):
        frame[col] = pd.to_numeric(frame[col]).astype(np.int64)
    frame["asi_area"] = pd.to_numeric(frame["asi_area"], errors="coerce").astype(float)
    for col in ("synapse_type", "axon_class", "target_class"):
        frame[col] = frame[col].astype(str)
    return frame.reset_index(drop=True)
