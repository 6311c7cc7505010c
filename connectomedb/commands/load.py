"""``connectomedb load``: one L4dense folder into PostgreSQL and the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from connectomedb.commands.options import (
    graph_segments_option,
    no_graph_option,
    quiet_option,
    settings_from,
    store_options,
)

_POSTGRES_STEPS = {
    "copy": "PostgreSQL COPY",
    "index": "PostgreSQL indexes",
    "attach": "PostgreSQL swap",
    "analyze": "PostgreSQL ANALYZE",
}


def register(group: click.Group) -> None:
    group.add_command(load)


class RichProgress:
    """Turns ``progress(step, done, total)`` calls into rich progress bars on stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = Console(stderr=True)
        self.bars = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<20}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[detail]}"),
            console=self.console,
            transient=False,
        )
        self.tasks: dict[str, Any] = {}
        self.current_message: str | None = None

    def __enter__(self) -> RichProgress:
        self.bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._finish_message()
        self.bars.__exit__(None, None, None)

    def _finish_message(self) -> None:
        if self.current_message is not None:
            task = self.tasks[self.current_message]
            self.bars.update(task, total=1, completed=1)
            self.current_message = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if total <= 0:  # a message: "reading axons.hdf5", "transform"
            self._finish_message()
            self.tasks[step] = self.bars.add_task(step, total=None, detail="")
            self.current_message = step
            return
        self._finish_message()
        head, _, rest = step.partition(" ")
        key = _POSTGRES_STEPS.get(head, "graph")
        if key not in self.tasks:
            self.tasks[key] = self.bars.add_task(key, total=total, detail="")
        self.bars.update(
            self.tasks[key],
            completed=done,
            total=total,
            detail=rest if key == "PostgreSQL COPY" else (step if key == "graph" else ""),
        )


def _summary(report: Any, quiet: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    stages = Table(title=f"Dataset {report.dataset!r} from {report.folder}")
    for col in ("stage", "status", "rows read", "rows written", "seconds", "rows/s"):
        stages.add_column(col, justify="left" if col in ("stage", "status") else "right")
    for s in report.stages:
        rate = f"{s.rows_written / s.seconds:,.0f}" if s.seconds > 0 and s.rows_written else ""
        stages.add_row(
            s.stage,
            s.detail or s.status,
            f"{s.rows_read:,}",
            f"{s.rows_written:,}",
            f"{s.seconds:.2f}",
            rate,
        )
    console.print(stages)
    pg = report.postgres
    if pg is not None and pg.reason:
        console.print(f"PostgreSQL: dataset {report.dataset!r} {pg.status}: {pg.reason}.")
    if pg is not None and pg.status != "unchanged":
        counts = Table(title="PostgreSQL rows (checked against the source)")
        counts.add_column("table")
        counts.add_column("rows", justify="right")
        for table, rows in pg.row_counts.items():
            counts.add_row(table, f"{rows:,}")
        console.print(counts)
    elif pg is not None:
        console.print(
            f"PostgreSQL: dataset {report.dataset!r} is already loaded from these "
            "files; nothing to do (use --replace to reload)."
        )
    target = report.postgres_target
    if target is not None and not quiet:
        console.print("Connect to PostgreSQL with:")
        for hint in target.connect_hints():
            console.print(f"  {hint}", markup=False, highlight=False, soft_wrap=True)


@click.command("load")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--dataset", default=None, help="Name to load the dataset under. Default: the folder's name."
)
@click.option(
    "--replace",
    is_flag=True,
    help="Reload a dataset already loaded under this name from other files.",
)
@no_graph_option("Load PostgreSQL only, not the graph.")
@graph_segments_option("Load the graph's segment layer: Segment nodes and PRE, POST, HAS_SEGMENT")
@store_options
@quiet_option
def load(
    folder: Path,
    dataset: str | None,
    replace: bool,
    no_graph: bool,
    graph_segments: bool | None,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
    quiet: bool,
) -> None:
    """Load the L4dense files of FOLDER into PostgreSQL and the graph database.

    FOLDER holds axons.hdf5, dendrites.hdf5 and synapses.hdf5, and optionally
    segments.hdf5 and connectome.csv. The files are validated before anything is
    committed; the load is all or nothing, and the previous version of the dataset stays
    visible until the new one is complete. Loading the same files again does nothing;
    loading them with the other choice of --graph-segments rebuilds the graph only.

    \b
    Example:
      connectomedb load demo-data
      connectomedb load /data/L4dense --dataset l4dense --replace
      connectomedb load demo-data --postgres-url postgresql://me@dbhost/connectome --no-graph
      connectomedb load demo-data --graph-segments
    """
    from connectomedb.etl.pipeline import run_load

    settings = settings_from(home, postgres_url, graph_url).with_overrides(
        graph_segments=graph_segments
    )
    if quiet:
        report = run_load(settings, folder, dataset=dataset, replace=replace, graph=not no_graph)
    else:
        with RichProgress() as progress:
            report = run_load(
                settings,
                folder,
                dataset=dataset,
                replace=replace,
                graph=not no_graph,
                progress=progress,
            )
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    _summary(report, quiet)
