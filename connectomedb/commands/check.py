"""``connectomedb check segmentation``: the connectome checked against the segmentation."""

from __future__ import annotations

import json

import click

from connectomedb.commands.options import settings_from, store_options


def register(group: click.Group) -> None:
    group.add_command(check)


@click.group("check")
def check() -> None:
    """Check a loaded dataset against its registered volumes.

    \b
    Example:
      connectomedb check segmentation --dataset l4dense --sample 10000
    """


@check.command("segmentation")
@click.option("--dataset", default=None, help="Dataset name (default: the only loaded one).")
@click.option(
    "--sample",
    type=click.IntRange(1),
    default=None,
    help="Check a random sample of N rows per check instead of every row.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample.")
@click.option(
    "--store",
    "store_it",
    is_flag=True,
    help="Also store the results in the table segmentation_check (replacing the last ones).",
)
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table")
@store_options
def segmentation(
    dataset: str | None,
    sample: int | None,
    seed: int,
    store_it: bool,
    fmt: str,
    home: str | None,
    postgres_url: str | None,
    graph_url: str | None,
) -> None:
    """Do the synapse, segment and neurite files agree with the segmentation volumes?

    Measures, over every row or a random --sample: whether the segment under each synapse's
    pre/post position is in its pre/postsynaptic set; whether each segment's position voxel
    carries its ID; whether the mapped segmentation carries each neurite's mappedSegIds at its
    skeleton nodes. Prints the agreement fractions with examples of disagreements.

    \b
    Example:
      connectomedb check segmentation --sample 20000 --store
      connectomedb check segmentation --format json > check.json
    """
    from connectomedb.commands.volumes import default_dataset
    from connectomedb.stores.postgres import connect, resolve
    from connectomedb.volumes.check import CHECKS, check_segmentation, store

    target = resolve(settings_from(home, postgres_url, graph_url))
    name = default_dataset(target.url, dataset)
    with connect(target.url) as conn:
        results = check_segmentation(conn, name, sample=sample, seed=seed)
        if store_it:
            store(conn, name, results, sample)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "check": r.name,
                        "description": CHECKS[r.name],
                        "checked": r.checked,
                        "agreeing": r.agreeing,
                        "fraction": r.fraction,
                        "not_checked": r.not_checked,
                        "examples": r.examples(),
                    }
                    for r in results
                ],
                indent=2,
                default=str,
            )
        )
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 120))
    table = Table(title=f"{name}: connectome against the segmentation")
    for col in ("check", "what", "checked", "agreeing", "fraction", "not checked"):
        table.add_column(col, justify="left" if col in ("check", "what") else "right")
    for r in results:
        frac = "" if r.fraction is None else f"{r.fraction:.6f}"
        table.add_row(
            r.name, CHECKS[r.name], f"{r.checked:,}", f"{r.agreeing:,}", frac, f"{r.not_checked:,}"
        )
    console.print(table)
    for r in results:
        for ex in r.examples():
            console.print(f"  {r.name}: {ex}", markup=False, highlight=False, soft_wrap=True)
    if store_it:
        console.print("stored in table segmentation_check", highlight=False)
