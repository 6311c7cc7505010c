"""``connectomedb db``: the PostgreSQL warehouse itself (schema version, embedded server)."""

from __future__ import annotations

import click

from connectomedb.commands.options import quiet_option, settings_from, store_options


def register(group: click.Group) -> None:
    group.add_command(db)


@click.group("db")
def db() -> None:
    """Manage the PostgreSQL warehouse: upgrade its schema, stop the embedded server.

    \b
    Example:
      connectomedb db upgrade
      connectomedb db stop
    """


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Schema version to upgrade to.")
@store_options
@quiet_option
def upgrade_cmd(
    revision: str, home: str | None, postgres_url: str | None, graph_url: str | None, quiet: bool
) -> None:
    """Upgrade the PostgreSQL schema to the version this connectomedb needs.

    Starts the embedded server when no --postgres-url is given. Safe to run again: a
    database already at the version is left alone.

    \b
    Example:
      connectomedb db upgrade
      connectomedb db upgrade --postgres-url postgresql://admin@dbhost/connectome
    """
    from connectomedb.config import mask_url
    from connectomedb.stores.postgres import resolve, upgrade

    settings = settings_from(home, postgres_url, graph_url)
    target = resolve(settings, ensure_schema=False)
    before, after = upgrade(target.url, revision)
    where = mask_url(target.url)
    if before == after:
        click.echo(f"{where}: schema already at version {after}.")
    else:
        click.echo(f"{where}: schema upgraded from {before or 'empty'} to {after}.")
    if not quiet:
        click.echo("Connect with:")
        for hint in target.connect_hints():
            click.echo(f"  {hint}")


@db.command("stop")
@store_options
def stop_cmd(home: str | None, postgres_url: str | None, graph_url: str | None) -> None:
    """Stop the embedded PostgreSQL server (it keeps running between commands otherwise).

    The data stays in the home folder; the next command that needs PostgreSQL starts the
    server again.

    \b
    Example:
      connectomedb db stop
    """
    from connectomedb.stores.postgres import stop_embedded

    settings = settings_from(home, postgres_url, graph_url)
    if not settings.uses_embedded_postgres:
        click.echo("A PostgreSQL URL is configured; there is no embedded server to stop.")
        return
    if stop_embedded(settings):
        click.echo(f"Stopped the embedded PostgreSQL in {settings.embedded_postgres_dir}.")
    else:
        click.echo(f"The embedded PostgreSQL in {settings.embedded_postgres_dir} is not running.")
