"""``connectomedb synth``: write a synthetic dataset in the published L4dense layout."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from connectomedb.commands.options import quiet_option
from connectomedb.synth import SCALES, VARIANTS, generate, write
from connectomedb.volumes.grid import KINDS

#: Every file a synthetic folder can hold; truth.json last, as it marks a complete folder.
_FILES = ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5", "segments.hdf5", "connectome.csv")
#: The volume folders ``--volumes`` adds.
_VOLUME_FOLDERS = tuple(kind.folder for kind in KINDS.values())


def _install(staged: Path, outdir: Path) -> None:
    """Move a finished folder into place: a rename when ``outdir`` is new; otherwise file by
    file (truth.json last), dropping dataset files the new variant does not have."""
    if not outdir.exists():
        os.replace(staged, outdir)
        return
    (outdir / "truth.json").unlink(missing_ok=True)
    for name in _FILES:
        if (staged / name).exists():
            os.replace(staged / name, outdir / name)
        else:
            (outdir / name).unlink(missing_ok=True)
    for name in _VOLUME_FOLDERS:
        if (outdir / name).exists():
            shutil.rmtree(outdir / name)
        if (staged / name).exists():
            os.replace(staged / name, outdir / name)
    os.replace(staged / "truth.json", outdir / "truth.json")
    staged.rmdir()


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


@click.command("synth")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--scale",
    type=click.Choice(list(SCALES)),
    default="tiny",
    show_default=True,
    help="tiny: a few dozen objects with hand-countable motifs; demo: ~1/50 of the real size; "
    "full: the real size (15 million segments, 400,000 synapses).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same files.")
@click.option(
    "--variant",
    "variants",
    type=click.Choice(VARIANTS),
    multiple=True,
    help="File layout: the published one (current) or an older/sparser one; repeat to combine.",
)
@click.option("--force", is_flag=True, help="Replace the dataset files of an existing folder.")
@click.option(
    "--volumes",
    is_flag=True,
    help="Also write the four volumes (EM, segmentation, mapped segmentation, blood vessels) "
    "as cube folders consistent with the dataset; coordinates shrink by CUBE_SIZE/1024.",
)
@click.option(
    "--cube-size",
    type=click.IntRange(8, 256),
    default=32,
    show_default=True,
    help="Edge of the volume cubes in voxels, 8-256 (the published cubes have 1024: 216 of "
    "them would take about a terabyte).",
)
@click.option(
    "--tracings",
    is_flag=True,
    help="Also write NML tracings of the neurites (tracings/) and SynEM-layout cubes "
    "(training/), with their truth.",
)
@quiet_option
def synth(
    outdir: Path,
    scale: str,
    seed: int,
    variants: tuple[str, ...],
    force: bool,
    volumes: bool,
    cube_size: int,
    tracings: bool,
    quiet: bool,
) -> None:
    """Write a synthetic dataset in the published L4dense file layout into OUTDIR.

    OUTDIR gets axons.hdf5, dendrites.hdf5, synapses.hdf5, segments.hdf5, connectome.csv and,
    last, truth.json with the expected counts and motifs. The folder appears only when it is
    complete.

    \b
    Example:
      connectomedb synth demo-data --scale demo --seed 0
      connectomedb synth old-layout --variant old-names --variant minimal
      connectomedb synth small-volumes --volumes --cube-size 32
      connectomedb synth demo-data --tracings
    """
    if volumes and variants and set(variants) != {"current"}:
        raise click.UsageError("--volumes needs the published layout (no --variant).")
    if outdir.exists() and any(outdir.iterdir()) and not force:
        raise click.UsageError(
            f"{outdir} exists and is not empty. Pass --force to replace its dataset files, "
            "or choose a new folder."
        )
    err = Console(stderr=True)
    started = time.perf_counter()
    outdir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.partial-", dir=outdir.parent))
    umask = os.umask(0)
    os.umask(umask)
    staged.chmod(0o777 & ~umask)  # mkdtemp makes it private; the dataset folder is not
    try:
        with Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            disable=quiet,
            transient=False,
        ) as progress:
            gen = progress.add_task(f"generating {scale}", total=1)
            result = generate(scale, seed)
            progress.update(gen, completed=1)
            tasks: dict[str, TaskID] = {}

            def report(task: str, done: int, total: int) -> None:
                if task not in tasks:
                    tasks[task] = progress.add_task(task, total=total)
                progress.update(tasks[task], completed=done, total=total)

            plan = None
            if volumes:
                from connectomedb.volumes.synth import place

                try:
                    result, plan = place(result, cube_size, seed)
                except ValueError as error:
                    raise click.UsageError(str(error)) from None
            write(result, staged, variant=set(variants) or {"current"}, progress=report)
            if plan is not None:
                from connectomedb.volumes.synth import write_volumes

                write_volumes(plan, staged, progress=report)
        _install(staged, outdir)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    if tracings:
        from connectomedb.files import write_folder
        from connectomedb.tracings.synth import write_tracing_sets
        from connectomedb.training.synth import write_training

        try:
            write_tracing_sets(result.dataset, outdir, seed=seed, volume_plan=plan)
            write_folder(outdir / "training", lambda folder: write_training(folder, seed=seed))
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    elapsed = time.perf_counter() - started

    c = result.truth["counts"]
    csv = result.truth["connectome_csv"]
    table = Table(title=f"{outdir} ({scale}, seed {seed}, {elapsed:.1f} s)", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    total = 0
    for name in (*_FILES, "truth.json"):
        if (outdir / name).exists():
            size = (outdir / name).stat().st_size
            total += size
            table.add_row(name, _size(size))
    for name in _VOLUME_FOLDERS:
        if (outdir / name).is_dir():
            size = sum(p.stat().st_size for p in (outdir / name).iterdir())
            total += size
            table.add_row(f"{name}/", _size(size))
    table.add_row("total size", _size(total))
    for key in ("segments", "axons", "targets", "spine_heads", "synapses", "neurons"):
        table.add_row(key.replace("_", " "), f"{c[key]:,}")
    table.add_row("connectome synapses", f"{c['connectome_synapses']:,}")
    if (outdir / "connectome.csv").exists():
        shape = f"{csv['rows']:,} × {csv['columns']:,}, {csv['synapses']:,} synapses"
        table.add_row("connectome.csv", shape)
    Console().print(table)


def register(group: click.Group) -> None:
    group.add_command(synth)
