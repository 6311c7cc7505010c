"""Where BI tools reach the warehouse, and the connection details they need, password masked.

One set of details per login: the SQLAlchemy URI Superset takes (``postgresql+psycopg2://``,
which Superset's SQLAlchemy 1.4 understands), the JDBC URL of Metabase and the fields of
Grafana's PostgreSQL data source.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from connectomedb.config import Settings

#: Shown instead of a password.
MASK = "***"
_ANY_ADDRESS = ("*", "0.0.0.0", "::")


@dataclass(frozen=True)
class Endpoint:
    """A server address: TCP ``host``/``port`` (host None: unix socket ``socket_dir`` only)."""

    database: str
    host: str | None = None
    port: int = 5432
    socket_dir: str | None = None
    note: str | None = None

    @property
    def tcp(self) -> bool:
        return self.host is not None


def embedded_endpoint(settings: Settings) -> Endpoint:
    """The embedded server as a BI tool reaches it: its TCP address when ``db serve`` gave it
    one (a wildcard address shown as 127.0.0.1), else its shared or private socket."""
    from connectomedb.stores.embedded import EMBEDDED_DATABASE, read_network

    network = read_network(settings.embedded_postgres_dir)
    if network.host is not None:
        first = network.host.split(",")[0].strip()
        note = None
        if first in _ANY_ADDRESS:
            first, note = "127.0.0.1", "the server listens on every address: use this machine's"
        return Endpoint(EMBEDDED_DATABASE, first, network.port, network.socket_dir, note)
    folder = network.socket_dir or str(settings.embedded_postgres_dir)
    return Endpoint(
        EMBEDDED_DATABASE,
        None,
        network.port,
        folder,
        "no TCP: run `connectomedb db serve` so BI tools can connect over the network",
    )


def url_endpoint(url: str) -> Endpoint:
    """The server and database of a PostgreSQL URL."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    database = unquote(parts.path.lstrip("/")) or "postgres"
    port = parts.port or int(query.get("port", ["5432"])[0])
    host = parts.hostname or query.get("host", [None])[0]
    if host is not None and host.startswith("/"):
        return Endpoint(database, None, port, host)
    return Endpoint(database, host or "localhost", port)


def _host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def bi_details(endpoint: Endpoint, login: str) -> list[tuple[str, str]]:
    """(tool, text) pairs: ready-to-paste connection details of ``login``, password masked."""
    user = quote(login, safe="")
    db = quote(endpoint.database, safe="")
    if not endpoint.tcp:
        socket = quote(str(endpoint.socket_dir), safe="/")
        port = "" if endpoint.port == 5432 else f"&port={endpoint.port}"
        rows = [
            (
                "Superset (SQLAlchemy URI)",
                f"postgresql+psycopg2://{user}:{MASK}@/{db}?host={socket}{port}",
            ),
            ("psql / libpq", f"postgresql://{user}:{MASK}@/{db}?host={socket}{port}"),
        ]
        return rows + ([("note", endpoint.note)] if endpoint.note else [])
    assert endpoint.host is not None
    where = f"{_host(endpoint.host)}:{endpoint.port}"
    rows = [
        ("Superset (SQLAlchemy URI)", f"postgresql+psycopg2://{user}:{MASK}@{where}/{db}"),
        ("Metabase (JDBC URL)", f"jdbc:postgresql://{where}/{db}?user={user}&password={MASK}"),
        (
            "Metabase (form)",
            f"host {endpoint.host}, port {endpoint.port}, database name "
            f"{endpoint.database}, username {login}, password {MASK}",
        ),
        (
            "Grafana (PostgreSQL data source)",
            f"host URL {where}, database name "
            f"{endpoint.database}, username {login}, password {MASK}, TLS/SSL mode disable",
        ),
        ("psql / libpq", f"postgresql://{user}:{MASK}@{where}/{db}"),
    ]
    return rows + ([("note", endpoint.note)] if endpoint.note else [])
