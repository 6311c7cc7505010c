"""``connectomedb db serve``: the embedded PostgreSQL on TCP (and a shared socket) for BI tools.

The address is checked before the server is touched; the settings are persisted by
:func:`connectomedb.stores.embedded.ensure_running`, and restored when the restart fails.
"""

from __future__ import annotations

import re

from connectomedb.config import Settings
from connectomedb.errors import ConfigError, DatabaseError
from connectomedb.stores.embedded import Network, ensure_running, read_network, running

_HOST = re.compile(r"^(\*|[A-Za-z0-9.\-:]+)$")


def _check_address(network: Network, probe_port: bool = True) -> None:
    """Refuse a malformed host, or a port another program holds, before touching the server."""
    import socket

    host = network.host
    if host is None:
        return
    if not _HOST.match(host):
        raise ConfigError(
            f"--host {host!r}: expected one IP address or host name, such as 127.0.0.1."
        )
    bind = "0.0.0.0" if host == "*" else host
    try:
        infos = socket.getaddrinfo(bind, network.port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise ConfigError(f"--host {host!r}: not an address of this machine ({error}).") from None
    if not probe_port:
        return
    for family, kind, proto, _name, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError as error:
                raise ConfigError(
                    f"cannot listen on {host} port {network.port} ({error.strerror}): another "
                    "program uses it, or the address is not this machine's. Choose another "
                    "--port or --host."
                ) from None


def serve(settings: Settings, network: Network) -> str:
    """Restart the embedded server with ``network`` (persisted in its data folder); on failure
    the previous settings are restored. Returns the superuser's socket URL."""
    pgdata = settings.embedded_postgres_dir
    previous = read_network(pgdata)
    pm = running(pgdata)
    # The running server's own TCP port is busy by itself: a restart frees it.
    own_port = pm is not None and previous.host is not None and previous.port == network.port
    _check_address(network, probe_port=not own_port)
    try:
        return ensure_running(settings, network)
    except (DatabaseError, ConfigError):
        if previous != network:
            try:
                ensure_running(settings, previous)
            except DatabaseError:
                pass  # the first error says what happened
        raise
