"""The load pipeline: extract → transform → PostgreSQL and graph, both or neither.

Order, so the two stores end up consistent::

    PostgreSQL prepare: lock, decide, segment ─────── the other tables ──┐
    extract: segments.hdf5 → the other files → graph prepare ─────────────┴→ PostgreSQL commit
                                                                             → graph commit

PostgreSQL's prepare starts with the load, in a worker thread: it takes its lock, decides what
to do (with the files' checksums, computed before the read, where they decide: see
:func:`loaded_unchanged`) and copies and indexes the ``segment`` table, which needs nothing
but ``segments.hdf5``, as soon as that file is read, while the other files are read here (an
:class:`~connectomedb.etl.incoming.IncomingSource` hands the parts over). Its other tables
follow once every file is read, beside the graph's prepare, which starts then (the server's
COPY and index work runs beside the graph's). PostgreSQL's transform is part of its prepare:
each table's rows are built, in a thread of their own, while the tables before are copied.

Any failure before the PostgreSQL commit rolls both back. A read that fails (or is
interrupted) stops PostgreSQL's prepare, which rolls back what it copied, and its error is the
one reported; then PostgreSQL's error, then the graph's. The graph commit is a switch of what
the graph store already holds, so it is the last and smallest step.
"""

from __future__ import annotations

import importlib
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connectomedb.config import Settings
from connectomedb.errors import LoadError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.incoming import IncomingSource
from connectomedb.etl.load.decision import unchanged
from connectomedb.etl.load.postgres import PostgresLoad, PostgresLoadReport
from connectomedb.etl.memory import release_free_memory, releasing, share_heaps
from connectomedb.schema import POSTGRES_MODEL_VERSION
from connectomedb.schema.graph import GRAPH_MODEL_VERSION
from connectomedb.stores.datasets import check_dataset_name
from connectomedb.stores.fingerprint import StoredDataset
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.postgres import PostgresTarget, connect, resolve, stored_dataset

if TYPE_CHECKING:
    from connectomedb.etl.extract import FolderChecksums

#: ``progress(step, done, total)``; ``total`` 0 means "unknown", a message-only step.
ProgressFn = Callable[[str, int, int], None]

#: Test hooks, not settings: the reliability tests interrupt loads at exact points with them.
#: ``CONNECTOMEDB_TEST_KILL_AT=<phase>:<table>`` makes the process SIGKILL itself at that
#: checkpoint; ``CONNECTOMEDB_TEST_PAUSE_AT=<phase>:<table>`` with
#: ``CONNECTOMEDB_TEST_PAUSE_FILE=<path>`` creates ``<path>.reached`` there and waits (at most
#: 10 minutes) until ``<path>.go`` exists. Phases: ``extract:<file>``, ``transform``, the
#: PostgreSQL loader's checkpoints (``create``/``copy``/``index``/``detach``/``attach``/
#: ``analyze:<table>``, ``verify``, ``prepared``), ``graph:<step>`` (after each node label or
#: relationship step), ``graph-prepared``, ``postgres-commit``, ``graph-commit``, ``done``.
KILL_AT_ENV = "CONNECTOMEDB_TEST_KILL_AT"
PAUSE_AT_ENV = "CONNECTOMEDB_TEST_PAUSE_AT"
PAUSE_FILE_ENV = "CONNECTOMEDB_TEST_PAUSE_FILE"


def interrupt_hook(phase: str, table: str = "") -> None:
    """Honour the test hooks above at one point of a load (a no-op when they are unset)."""
    kill, pause = os.environ.get(KILL_AT_ENV), os.environ.get(PAUSE_AT_ENV)
    if not kill and not pause:
        return
    point = f"{phase}:{table}"
    if kill and (kill if ":" in kill else kill + ":") == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if pause and (pause if ":" in pause else pause + ":") == point:
        base = Path(os.environ[PAUSE_FILE_ENV])
        Path(f"{base}.reached").write_text(point, encoding="utf-8")
        deadline = time.monotonic() + 600
        while not Path(f"{base}.go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)


@dataclass
class StageReport:
    """One pipeline stage: rows read and written, and seconds."""

    stage: str
    rows_read: int = 0
    rows_written: int = 0
    seconds: float = 0.0
    status: str = "done"  # done, unchanged, skipped
    detail: str = ""


@dataclass
class LoadReport:
    """What ``run_load`` did, stage by stage."""

    dataset: str
    folder: Path
    stages: list[StageReport] = field(default_factory=list)
    postgres: PostgresLoadReport | None = None
    graph: Any = None  # the graph loader's report, when the graph was loaded
    postgres_target: PostgresTarget | None = None
    warnings: list[str] = field(default_factory=list)  # about the source files

    @property
    def unchanged(self) -> bool:
        return all(
            s.status in ("unchanged", "skipped")
            for s in self.stages
            if s.stage in ("postgres", "graph")
        )

    def stage(self, name: str) -> StageReport:
        for s in self.stages:
            if s.stage == name:
                return s
        raise KeyError(name)


def loaded_unchanged(
    settings: Settings, url: str, name: str, folder: Path, *, graph: bool, say: ProgressFn
) -> tuple[StoredDataset | None, FolderChecksums | None]:
    """PostgreSQL's copy of dataset ``name`` when it and (with ``graph``) the graph's hold it
    from exactly the files of ``folder``, under the current graph model and with the segment
    layer or without it as ``settings.graph_segments`` says, else None; and the files'
    checksums when they were computed (only when PostgreSQL holds the dataset). No file is
    parsed."""
    with connect(url) as conn:
        stored = stored_dataset(conn, name)
    if stored is None:
        return None, None
    from connectomedb.etl.extract import folder_checksums

    say("comparing file checksums", 0, 0)
    checksums = folder_checksums(folder)
    files = checksums.sha256
    if not unchanged(stored, files, model_version=POSTGRES_MODEL_VERSION):
        return None, checksums
    if graph and graph_loader() is not None:
        with open_graph_store(settings) as store:
            in_graph = store.stored_dataset(name)
        current = unchanged(
            in_graph, files, model_version=GRAPH_MODEL_VERSION, segments=settings.graph_segments
        )
        if not current:
            return None, checksums
    return stored, checksums


def source_rows(source: SourceDataset) -> int:
    """Objects and set elements read from the files (what the extract stage reports)."""
    n = source.axons.n + source.targets.n + source.spine_heads.n + source.synapses.n
    n += len(source.axons.agglomerate.values) + len(source.targets.agglomerate.values)
    n += len(source.spine_heads.agglomerate.values)
    n += len(source.synapses.pre_seg.values) + len(source.synapses.post_seg.values)
    for skel in (source.axons.skeleton, source.targets.skeleton):
        if skel is not None:
            n += len(skel.nodes.values) + len(skel.edges.values)
    if source.segments is not None:
        n += source.segments.n
    return n


def _read(
    folder: Path, checksums: FolderChecksums | None, incoming: IncomingSource, say: ProgressFn
) -> SourceDataset:
    """The files of ``folder``, read here; ``incoming`` gets the segments as soon as they are
    read, and the whole source."""
    from connectomedb.etl.extract import read_dataset

    def read_progress(message: str) -> None:
        interrupt_hook("extract", message.removeprefix("reading "))
        say(message, 0, 0)

    source = read_dataset(
        folder, progress=read_progress, checksums=checksums, segments_read=incoming.segments_read
    )
    incoming.complete(source)
    return source


def _stop(pg: PostgresLoad, future: Future[Any]) -> None:
    """Stop PostgreSQL's load in its thread and wait until it has rolled back. The cancel is
    repeated: one sent between two statements cancels nothing."""
    while not future.done():
        pg.cancel()
        wait([future], timeout=0.2)


def graph_loader() -> Callable[..., Any] | None:
    """``begin_graph_load`` of the graph package, or None when it is not installed."""
    try:
        module = importlib.import_module("connectomedb.etl.load.graph")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("connectomedb.etl.load.graph"):
            return None
        raise
    return getattr(module, "begin_graph_load", None)


def run_load(
    settings: Settings,
    folder: str | Path,
    *,
    dataset: str | None = None,
    replace: bool = False,
    graph: bool = True,
    progress: ProgressFn | None = None,
    source: SourceDataset | None = None,
) -> LoadReport:
    """Load the L4dense files of ``folder`` into PostgreSQL and (unless ``graph=False``) the
    graph. ``dataset`` defaults to the folder's name. Pass ``source`` to skip reading files."""
    folder = Path(folder)
    name = dataset if dataset is not None else folder.resolve().name
    check_dataset_name(name)
    say = progress or (lambda _s, _d, _t: None)
    report = LoadReport(name, folder)

    # Reach PostgreSQL first: a wrong URL should fail before minutes of reading.
    target = resolve(settings)
    report.postgres_target = target

    checksums = None
    if source is None and not replace:
        # Reading and transforming a full dataset takes a while; when both stores already hold
        # it from these very files, the checksums alone say there is nothing to do.
        t0 = time.perf_counter()
        stored, checksums = loaded_unchanged(
            settings, target.url, name, folder, graph=graph, say=say
        )
        if stored is not None:
            report.stages.append(
                StageReport(
                    "extract",
                    seconds=time.perf_counter() - t0,
                    status="skipped",
                    detail="files unchanged (SHA-256)",
                )
            )
            report.postgres = PostgresLoadReport(name, "unchanged", stored.key)
            report.stages.append(StageReport("postgres", status="unchanged"))
            report.stages.append(
                StageReport(
                    "graph",
                    status="unchanged" if graph else "skipped",
                    detail="" if graph else "--no-graph",
                )
            )
            return report

    # PostgreSQL's load starts now, in its thread: it takes its lock, decides, and copies the
    # segments as soon as they are read, while the other files are read here. Their positions
    # and voxel counts go once copied, unless the graph's segment layer reads them too.
    incoming = (
        IncomingSource.of(source)
        if source is not None
        else IncomingSource(
            folder,
            None if checksums is None else checksums.sha256,
            release_segments=not (graph and settings.graph_segments),
        )
    )
    pg = PostgresLoad(
        target.url,
        incoming,
        name,
        replace=replace,
        progress=releasing(say),  # PostgreSQL frees each table's rows once copied
        checkpoint=interrupt_hook,
    )
    pg_seconds = [0.0]

    def prepare_postgres() -> PostgresLoadReport:
        t0 = time.perf_counter()
        try:
            return pg.prepare()
        finally:
            pg_seconds[0] = time.perf_counter() - t0

    share_heaps()  # the threads started from here on share a few malloc heaps
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="postgres-load")
    pg_future = pool.submit(prepare_postgres)

    t0 = time.perf_counter()
    try:
        if source is None:
            source = _read(folder, checksums, incoming, say)
    except BaseException as error:
        # The read's error is the one reported; PostgreSQL's load stops and rolls back first.
        incoming.fail(error)
        _stop(pg, pg_future)
        pool.shutdown(wait=True)
        pg.abort()  # its thread rolled back already; this makes sure
        raise
    release_free_memory()  # what reading the files took and freed
    report.warnings = list(source.warnings)
    rows_read = source_rows(source)
    report.stages.append(StageReport("extract", rows_read, 0, time.perf_counter() - t0))

    interrupt_hook("transform")
    say("transform", 0, 0)

    def graph_progress(step: str, done: int, total: int) -> None:
        interrupt_hook("graph", step)
        say(step, done, total)

    graph_load = None
    begin = graph_loader() if graph else None
    graph_stage: StageReport | None = None
    # The graph is prepared here, beside PostgreSQL (whose server's COPY and index work runs
    # meanwhile). Nothing is visible before both are prepared; the commits stay in order below.
    graph_error: BaseException | None = None
    try:
        if pg_future.done() and pg_future.exception() is not None:
            pass  # PostgreSQL failed already: its error is reported below, no graph to prepare
        elif begin is None:
            graph_stage = StageReport(
                "graph",
                status="skipped",
                detail="--no-graph" if not graph else "no graph loader installed",
            )
        else:
            t0 = time.perf_counter()
            graph_load = begin(settings, source, name, replace=replace, progress=graph_progress)
            if graph_load is None:
                graph_stage = StageReport(
                    "graph", status="unchanged", seconds=time.perf_counter() - t0
                )
            else:
                graph_report = graph_load.prepare()
                interrupt_hook("graph-prepared")
                report.graph = graph_report
                graph_stage = StageReport(
                    "graph",
                    rows_read,
                    int(getattr(graph_report, "rows", 0)),
                    time.perf_counter() - t0,
                )
    except BaseException as error:  # noqa: BLE001 - re-raised below, after PostgreSQL
        graph_error = error
    try:
        try:
            # A PostgreSQL error (e.g. the dataset is loaded from other files) is the one
            # reported when both fail: it is what the sequential load reported first.
            pg_report = pg_future.result()
        finally:
            pool.shutdown(wait=True)
        if graph_error is not None:
            raise graph_error
        report.postgres = pg_report
        rows = pg_report.frame_rows
        report.stages.append(
            StageReport(
                "transform",
                rows_read,
                rows,
                pg_report.frame_seconds,
                status="done" if rows else "skipped",
                detail="beside the PostgreSQL COPY" if rows else "PostgreSQL holds the files",
            )
        )
        pg_stage = StageReport(
            "postgres",
            rows,
            pg_report.rows,
            pg_seconds[0],
            status="unchanged" if pg_report.status == "unchanged" else "done",
            detail=pg_report.status,
        )
        report.stages.append(pg_stage)
        assert graph_stage is not None
        report.stages.append(graph_stage)
        t0 = time.perf_counter()
        interrupt_hook("postgres-commit")
        pg.commit()
        pg_stage.seconds += time.perf_counter() - t0
    except BaseException:
        pg.abort()
        if graph_load is not None:
            graph_load.abort()
        raise
    interrupt_hook("graph-commit")
    if graph_load is not None:
        t0 = time.perf_counter()
        try:
            graph_load.commit()
        except Exception as error:
            raise LoadError(
                f"dataset {name!r} is in PostgreSQL now, but switching the graph to it failed: "
                f"{error}. Run the same load again: PostgreSQL will report it as unchanged and "
                "the graph will be loaded."
            ) from error
        report.stage("graph").seconds += time.perf_counter() - t0
    interrupt_hook("done")
    return report
