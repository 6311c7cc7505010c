"""``connectomedb db serve``: the embedded PostgreSQL on the network for BI tools."""

from __future__ import annotations

import click

from connectomedb.commands.options import shown_option
from connectomedb.errors import ConfigError


def register(group: click.Group) -> None:
    db_group = group.commands.get("db")
    if isinstance(db_group, click.Group):
        db_group.add_command(serve_cmd)


@click.command("serve")
@shown_option(
    "--host",
    default="127.0.0.1",
    help="Address to listen on (loopback unless you give another one, e.g. 0.0.0.0).",
)
@shown_option("--port", type=click.IntRange(1, 65535), default=5432, help="TCP port.")
@click.option(
    "--socket-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Also listen on a Unix socket in this folder, reachable by other local OS "
    "users (outside the private data folder).",
)
@click.option(
    "--private",
    is_flag=True,
    help="Stop listening on TCP and on the extra socket: the private socket only.",
)
@click.option(
    "--home",
    default=None,
    type=click.Path(file_okay=False),
    help="Folder of the embedded databases (env CONNECTOMEDB_HOME).",
)
def serve_cmd(
    host: str, port: int, socket_dir: str | None, private: bool, home: str | None
) -> None:
    """Let BI tools reach the embedded PostgreSQL over TCP (and optionally a shared socket).

    The server stays up until `connectomedb db stop`, and every later start keeps these
    settings (they are stored in its data folder). Every login but the owner's superuser
    needs its password; BI tools log in as a read-only login made by
    `connectomedb db grant-reader`.

    \b
    Example:
      connectomedb db serve
      connectomedb db serve --host 0.0.0.0 --port 5433
      connectomedb db serve --socket-dir /run/connectomedb
      connectomedb db serve --private
    """
    from pathlib import Path

    from connectomedb.commands.options import settings_from
    from connectomedb.stores.embedded import Network
    from connectomedb.stores.endpoints import bi_details, embedded_endpoint
    from connectomedb.stores.postgres import connect
    from connectomedb.stores.serving import serve
    from connectomedb.stores.views import reader_logins

    settings = settings_from(home, None, None)
    if not settings.uses_embedded_postgres:
        raise ConfigError(
            "CONNECTOMEDB_POSTGRES_URL is set: `db serve` is for the embedded server. Unset "
            "it, or give BI tools that server's address."
        )
    if private:
        network = Network(port=port)
    else:
        folder = str(Path(socket_dir).expanduser().absolute()) if socket_dir else None
        network = Network(host=host, port=port, socket_dir=folder)
    url = serve(settings, network)
    endpoint = embedded_endpoint(settings)
    if private:
        click.echo("The embedded PostgreSQL listens on its private socket only.")
        return
    click.echo(
        f"The embedded PostgreSQL listens on {host} port {port}"
        + (f" and in the socket folder {network.socket_dir}." if socket_dir else ".")
    )
    click.echo("It stays up until `connectomedb db stop`; later starts keep these settings.")
    from connectomedb.stores.postgres import with_database

    with connect(with_database(url, endpoint.database)) as conn:
        logins = reader_logins(conn)
    if not logins:
        click.echo("No read-only login yet: connectomedb db grant-reader superset")
    for login in logins or ["LOGIN"]:
        click.echo(f"Connect as {login}:")
        for tool, text in bi_details(endpoint, login):
            click.echo(f"  {tool}: {text}")
