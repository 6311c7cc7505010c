"""Load one dataset into PostgreSQL atomically, by binary COPY into fresh partitions.

Every data table is LIST-partitioned by ``dataset_id``. A load's data becomes visible in ONE
transaction::

    prepare():
      lock (advisory; one load at a time) → drop the tables a killed load left in the staging
      schema → a new dataset row and dataset_id (on --replace under a provisional name, next to
      the old version)
      → per table, as its rows are built (a thread builds and checks the next table's rows
        meanwhile): CREATE TABLE <partition> (LIKE parent) + CHECK (dataset_id = id), binary
        COPY into it, then its primary key and indexes on the filled partition (a large sort
        memory for an index whose key the rows came sorted by, a small one for the others; no
        parallel workers: the load keeps the cores busy itself). Two connections do this at
        once, each taking the next table when free: the transaction's own, and a second one
        (:mod:`~connectomedb.etl.load.postgres.staging`) that builds its tables in the staging
        schema, analyzes them and, once all are written, commits them there, unattached
      → move the staged tables to the partitions' schema, ATTACH the new partitions (foreign
        keys are validated here; the CHECK spares the partition-bound scan; readers are not
        blocked)
      → compare the rows every COPY reported stored with the source → ANALYZE the new
        partitions the transaction wrote itself (on a server before PostgreSQL 18 those the
        statistics step analyzes with their parents are left to it)
      → for a new dataset: statistics (below)
    commit():
      on --replace: DETACH and DROP the old version's partitions, delete its dataset row and
      give the new row the dataset's name (catalog work only) → statistics (below)
      → COMMIT
    statistics: ANALYZE the partitioned parents the queries join (PostgreSQL plans joins over
      a partitioned table with the parent's statistics, which nothing else gathers); ONLY the
      parents on PostgreSQL 18 and later. A
      replacement does this only after the old version is gone, so the statistics describe
      what the commit leaves.

The rows of ``connectome_synapse`` and of the BI views are derived tables like the others
(:mod:`connectomedb.etl.bi_tables`): COPYed for the new dataset only, nothing recomputed over
the datasets already loaded. The BI views show a dataset's name by joining ``dataset``, so
they show the final name from the commit on.

Until the commit nobody sees any of it, and a failure or a killed process at any point rolls
everything back, so the previous data stays exactly as it was (tables the second connection
committed are dropped by the failed load, or, after a kill, by the next one). Readers of the
replaced dataset wait only for the few catalog statements of ``commit()`` (DETACH locks the
parents).
A replaced dataset gets a new ``dataset_id``; its name is the stable handle.

Two phases, so the pipeline can keep PostgreSQL and the graph consistent::

    load = PostgresLoad(url, source, "l4dense", replace=False)
    report = load.prepare()   # everything written, transaction still open
    ...                       # prepare the graph
    load.commit()             # or load.abort()

Modules: :mod:`~connectomedb.etl.load.postgres.load` (the state machine),
:mod:`~connectomedb.etl.load.postgres.copy_plan` (what is copied into each table, checked before
its COPY), :mod:`~connectomedb.etl.load.postgres.feed` (each table's rows, built while the ones
before are copied), :mod:`~connectomedb.etl.load.postgres.pgcopy` (binary COPY buffers),
:mod:`~connectomedb.etl.load.postgres.writer` (one connection's tables),
:mod:`~connectomedb.etl.load.postgres.staging` (the second connection),
:mod:`~connectomedb.etl.load.postgres.partitions` (the DDL of a version's partitions),
:mod:`~connectomedb.etl.load.postgres.report` (what a load did). The
statistics are gathered by :func:`connectomedb.stores.views.refresh_views`.
"""

from __future__ import annotations

from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.postgres.load import LOADER_VERSION, PostgresLoad, ProgressFn
from connectomedb.etl.load.postgres.report import PostgresLoadReport, TableLoad

__all__ = ["LOADER_VERSION", "PostgresLoad", "PostgresLoadReport", "TableLoad", "load_dataset"]


def load_dataset(
    url: str,
    source: SourceDataset,
    dataset: str,
    *,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> PostgresLoadReport:
    """Prepare and commit in one go (when no other store has to commit alongside)."""
    load = PostgresLoad(url, source, dataset, replace=replace, progress=progress)
    report = load.prepare()
    load.commit()
    return report
