"""``connectomedb volumes``: register the EM and segmentation cube folders, list them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from connectomedb.commands.options import quiet_option, settings_from, store_options
from connectomedb.volumes.grid import KINDS


def register(group: click.Group) -> None:
    group.add_command(volumes)


@click.group("volumes")
def volumes() -> None:
    """Register the volume cube folders of a dataset and list them.

    \b
    Example:
      connectomedb volumes add L4dense/segmentation-volume --kind segmentation --dataset l4dense
      connectomedb volumes list
    """


def default_dataset(url: str, given: str | None) -> str:
    """``given``, or the only loaded dataset; else a ConfigError asking for --dataset."""
    from connectomedb.errors import ConfigError
    from connectomedb.stores.postgres import connect

    if given is not None:
        return given
    with connect(url) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM dataset ORDER BY name")]
    if len(names) == 1:
        return str(names[0])
    found = "none is loaded" if not names else f"loaded: {', '.join(names)}"
    raise ConfigError(f"which dataset? {found}. Pass --dataset NAME.")


@volumes.command("add")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(list(KINDS)), required=True, help="What the cubes hold.")
@click.option("--dataset", default=None, help="Dataset name (default: the only loaded one).")
@click.option("--replace", is_flag=True, help="Replace a different folder registered before.")
@store_options
@quiet_option
def add(
    folder: Path,
    kind: str,
    dataset: str | None,
    replace: bool,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
    quiet: bool,
) -> None:
    """Register the cube folder FOLDER (files x{i}y{j}z{k}.hdf5) as a volume of a dataset.

    Reads only the cube headers (shape, dtype, chunking, compression) and each file's size
    and modification time; voxels are read only by look-ups, which check the files are
    unchanged. Registering the same folder again does nothing.

    \b
    Example:
      connectomedb volumes add L4dense/electron-microscopy-volume --kind em
      connectomedb volumes add seg/ --kind segmentation --dataset l4dense --replace
    """
    from rich.console import Console

    from connectomedb.stores.datasets import check_dataset_name
    from connectomedb.stores.postgres import resolve
    from connectomedb.volumes.catalogue import register as register_volume
    from connectomedb.volumes.cubes import scan

    volume = scan(folder, kind)  # validated before any database is touched
    target = resolve(settings_from(home, postgres_url, graph_url))
    name = default_dataset(target.url, dataset)
    check_dataset_name(name)
    linked: list[Any] = []
    after = None
    if kind == "segmentation":
        from connectomedb.tracings.volume_segments import link_after_register

        after = link_after_register(settings_from(home, postgres_url, graph_url), name, linked)
    done = register_volume(target.url, volume, name, replace=replace, after=after)
    out = Console()
    verb = {
        "registered": "registered",
        "replaced": "replaced",
        "unchanged": "already registered, unchanged",
    }[done.action]
    first = next(iter(volume.cubes.values()))
    out.print(
        f"{kind} volume of {name!r} {verb}: {volume.folder} — {len(volume.cubes)} of "
        f"{len(volume.expected())} cubes, edge {volume.cube}, {volume.dtype}, chunks "
        f"{first.chunks}, {first.compression or 'uncompressed'}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    missing = volume.missing()
    if missing and not quiet:
        shown = ", ".join(missing[:8]) + (
            f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        )
        out.print(f"  missing cubes ({len(missing)}): {shown}", markup=False, highlight=False)
    for counts in linked:
        out.print(
            f"  tracing node segments: {counts.summary()}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@volumes.command("list")
@click.option("--dataset", default=None, help="Only this dataset's volumes.")
@store_options
def list_volumes(
    dataset: str | None, home: str | None, postgres_url: str | None, graph_url: str | None
) -> None:
    """List the registered volumes.

    \b
    Example:
      connectomedb volumes list --dataset l4dense
    """
    from rich.console import Console

    from connectomedb.stores.postgres import resolve

    target = resolve(settings_from(home, postgres_url, graph_url))
    print_volumes(Console(), target.url, dataset)


def print_volumes(console: Any, url: str, dataset: str | None = None) -> None:
    """The catalogue as a table (used by ``volumes list`` and ``info``)."""
    from rich.table import Table

    from connectomedb.stores.postgres import connect
    from connectomedb.volumes.catalogue import catalogue

    with connect(url) as conn:
        frame = catalogue(conn, dataset)
    if not len(frame):
        console.print("  no volumes registered (connectomedb volumes add DIR --kind KIND)")
        return
    table = Table(title="Registered volumes")
    for col in ("dataset", "kind", "cubes", "missing", "edge", "dtype", "chunks", "size", "folder"):
        table.add_column(col, justify="right" if col in ("cubes", "missing", "edge") else "left")
    for r in frame.itertuples(index=False):
        table.add_row(
            r.dataset,
            r.kind,
            str(r.cubes),
            str(r.missing_cubes),
            str(r.cube_size),
            r.dtype,
            str(r.chunks or "contiguous"),
            f"{float(r.size_gb or 0):.3f} GB",
            r.folder,
        )
    console.print(table)


@volumes.command("view")
@click.option("--synapse", type=int, default=None, help="Centre on this synapse.")
@click.option("--axon", type=int, default=None, help="Centre on this axon.")
@click.option("--target", type=int, default=None, help="Centre on this target.")
@click.option("--point", type=int, nargs=3, default=None, help="Centre on the voxel X Y Z.")
@click.option("--dataset", default=None, help="Dataset name (default: the only loaded one).")
@click.option("--radius", type=click.IntRange(8, 1024), default=128, show_default=True,
              help="Half-width of the box shown, in x/y voxels (z: ~1/3 of it).")  # fmt: skip
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (0: any free one).")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Render in headless Chromium, write a PNG screenshot and exit.")  # fmt: skip
@click.option("--no-browser", is_flag=True, help="Print the URL only; do not open a browser.")
@store_options
def view(
    synapse: int | None,
    axon: int | None,
    target: int | None,
    point: tuple[int, int, int] | None,
    dataset: str | None,
    radius: int,
    port: int,
    png: Path | None,
    no_browser: bool,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
) -> None:
    """Open neuroglancer on the registered EM and segmentation around a synapse, axon, target
    or point, with its segments selected.

    The viewer runs on this machine (127.0.0.1) with neuroglancer's bundled client, so it
    works offline; it serves until Ctrl-C. Coordinates are the published voxel coordinates.

    \b
    Example:
      connectomedb volumes view --synapse 1234 --dataset l4dense
      connectomedb volumes view --axon 17 --png axon17.png
    """
    from connectomedb.stores.postgres import connect, resolve
    from connectomedb.volumes.viewer import build_viewer, check_in_chromium, focus

    chosen = [(k, v) for k, v in (("synapse", synapse), ("axon", axon), ("target", target),
                                  ("point", point)) if v is not None]  # fmt: skip
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of --synapse, --axon, --target, --point")
    what, ident = chosen[0]
    target_db = resolve(settings_from(home, postgres_url, graph_url))
    name = default_dataset(target_db.url, dataset)
    with connect(target_db.url) as conn:
        where = focus(conn, name, what, ident)
        viewer = build_viewer(conn, name, where, radius=(radius, radius, max(radius // 3, 4)),
                              port=port)  # fmt: skip
    click.echo(f"{where.label} at {where.centre}, {len(where.segments)} segments selected")
    if png is not None:
        from connectomedb.errors import ConnectomeDBError

        try:
            check = check_in_chromium(viewer)
        except Exception as error:  # Chromium missing or crashed: a message, not a traceback
            raise ConnectomeDBError(f"rendering in headless Chromium failed: {error}") from None
        if check.screenshot is None:
            raise ConnectomeDBError(
                f"the viewer did not finish drawing within the time limit (layers: "
                f"{check.layers}; errors: {check.console_errors or 'none'})"
            )
        png.write_bytes(check.screenshot)
        click.echo(f"wrote {png}")
        return
    url = viewer.get_viewer_url()
    click.echo(f"neuroglancer: {url}  (Ctrl-C to stop)")
    if not no_browser:
        import webbrowser

        webbrowser.open(url)
    import time

    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped")
