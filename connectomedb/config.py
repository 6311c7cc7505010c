"""One typed settings object. Every value has an environment variable; CLI options override it.

====================  ================================  ==========================================
setting               environment variable              default
====================  ================================  ==========================================
``home``              ``CONNECTOMEDB_HOME``             the user data directory (``platformdirs``)
``postgres_url``      ``CONNECTOMEDB_POSTGRES_URL``     none: the embedded PostgreSQL under home
``graph_url``         ``CONNECTOMEDB_GRAPH_URL``        none: the embedded LadybugDB under home
``neo4j_user``        ``CONNECTOMEDB_NEO4J_USER``       ``neo4j`` (or the user part of the URL)
``neo4j_password``    ``CONNECTOMEDB_NEO4J_PASSWORD``   none (or the password part of the URL)
``neo4j_database``    ``CONNECTOMEDB_NEO4J_DATABASE``   ``neo4j``
``neo4j_batch_size``  ``CONNECTOMEDB_NEO4J_BATCH_SIZE`` 10000
``graph_segments``    ``CONNECTOMEDB_GRAPH_SEGMENTS``   false: the graph is loaded without its
                                                        segment layer (``Segment`` nodes and
                                                        ``PRE``, ``POST``, ``HAS_SEGMENT``)
====================  ================================  ==========================================

Boolean settings accept ``true``/``false``, ``yes``/``no``, ``on``/``off`` and ``1``/``0`` in any
case; anything else is a :class:`~connectomedb.errors.ConfigError`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from connectomedb.errors import ConfigError, shorten

ENV_PREFIX = "CONNECTOMEDB_"

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


def _default_home() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("connectomedb", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=_default_home)
    postgres_url: str | None = None
    graph_url: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    neo4j_batch_size: int = 10_000
    graph_segments: bool = False

    @property
    def embedded_postgres_dir(self) -> Path:
        return self.home / "postgres"

    @property
    def embedded_graph_dir(self) -> Path:
        return self.home / "graph"

    @property
    def uses_embedded_postgres(self) -> bool:
        return self.postgres_url is None

    @property
    def uses_embedded_graph(self) -> bool:
        return self.graph_url is None

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given non-None values replaced (CLI options win over the environment)."""
        given = {k: v for k, v in values.items() if v is not None}
        if "home" in given:
            given["home"] = Path(str(given["home"])).expanduser()
        return replace(self, **given)  # type: ignore[arg-type]


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read settings from the environment (``os.environ`` unless given)."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}

    def get(name: str) -> str | None:
        value = env.get(ENV_PREFIX + name)
        return value if value not in (None, "") else None

    if (home := get("HOME")) is not None:
        values["home"] = Path(home).expanduser()
    for name in ("postgres_url", "graph_url", "neo4j_user", "neo4j_password", "neo4j_database"):
        if (value := get(name.upper())) is not None:
            values[name] = value
    if (batch := get("NEO4J_BATCH_SIZE")) is not None:
        try:
            values["neo4j_batch_size"] = int(batch)
        except ValueError:
            raise ConfigError(
                f"environment variable {ENV_PREFIX}NEO4J_BATCH_SIZE: expected a positive "
                f"integer, found {batch!r}. Set it to a number such as 10000 or unset it."
            ) from None
        if values["neo4j_batch_size"] <= 0:  # type: ignore[operator]
            raise ConfigError(
                f"environment variable {ENV_PREFIX}NEO4J_BATCH_SIZE: expected a positive "
                f"integer, found {batch!r}. Set it to a number such as 10000 or unset it."
            )
    if (segments := get("GRAPH_SEGMENTS")) is not None:
        values["graph_segments"] = parse_bool(ENV_PREFIX + "GRAPH_SEGMENTS", segments)
    return Settings(**values)  # type: ignore[arg-type]


def parse_bool(variable: str, value: str) -> bool:
    """The boolean an environment variable spells (see the module docstring), or a
    :class:`ConfigError` naming ``variable`` and the spellings it accepts."""
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ConfigError(
        f"environment variable {variable}: expected true or false (also yes/no, on/off, 1/0), "
        f"found {shorten(value)!r}. Set it to true or false, or unset it."
    )


#: Query parameters and conninfo keys that hold a secret (libpq: ``password``,
#: ``sslpassword``).
_SECRET_KEYS = r"(?:ssl)?password"
_QUERY_SECRET = re.compile(rf"(?P<head>[?&]{_SECRET_KEYS}=)(?P<value>[^&#]*)", re.IGNORECASE)
_CONNINFO_SECRET = re.compile(
    rf"(?P<head>(?<![\w.]){_SECRET_KEYS}\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'|[^\s']\S*|'.*)",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*://")


def _mask_userinfo(url: str) -> str:
    """``scheme://user:***@host…``: the password runs from the first ``:`` after the user to
    the last ``@`` before the host, so unencoded ``/``, ``@``, ``:`` or ``?`` in it stay
    hidden too."""
    start = _SCHEME.match(url)
    if start is None:
        return url
    rest = url[start.end() :]
    at = rest.rfind("@")
    colon = rest.find(":")
    if at < 0 or colon < 0 or colon > at or any(c in rest[:colon] for c in "/?#"):
        return url
    secret = rest[colon + 1 : at]
    if re.fullmatch(r"\d*(/[^?]*)?(\?.*)?", secret) and "/" in secret and "?" in secret:
        return url  # host:port/db?…=…@…: an @ in a parameter, not a password
    return url[: start.end()] + rest[: colon + 1] + "***" + rest[at:]


def mask_url(url: str | None) -> str | None:
    """``url`` with every credential libpq (or the Neo4j driver) would take from it replaced by
    ``***``: the password of the user information, ``password=`` and ``sslpassword=`` query
    parameters, and ``password=…`` of a ``key=value`` connection string (quoted or not).
    The one place where secrets are masked: for logs, errors and ``info`` output."""
    if url is None:
        return None
    if _SCHEME.match(url):
        masked = _QUERY_SECRET.sub(lambda m: m.group("head") + "***", url)
        return _mask_userinfo(masked)
    return _CONNINFO_SECRET.sub(lambda m: m.group("head") + "***", url)


def secrets_of(url: str | None) -> list[str]:
    """The literal secrets ``url`` holds (as written and percent-decoded), longest first."""
    if not url:
        return []
    from urllib.parse import unquote

    found: list[str] = []
    if _SCHEME.match(url):
        for m in _QUERY_SECRET.finditer(url):
            found.append(m.group("value"))
        masked = _QUERY_SECRET.sub(lambda m: m.group("head") + "***", url)
        start = _SCHEME.match(masked)
        assert start is not None
        shown = _mask_userinfo(masked)
        if shown != masked:
            rest = masked[start.end() :]
            found.append(rest[rest.find(":") + 1 : rest.rfind("@")])
    else:
        for m in _CONNINFO_SECRET.finditer(url):
            value = m.group("value")
            found.append(value)
            if value.startswith("'"):
                found.append(value.strip("'").replace("\\'", "'").replace("\\\\", "\\"))
    found += [unquote(v) for v in found]
    return sorted({v for v in found if v and v != "***"}, key=len, reverse=True)


def mask_secrets(text: str, *urls: str | None) -> str:
    """``text`` (an error message of a driver, say) with every secret of ``urls`` replaced by
    ``***`` wherever it appears, and every URL-like credential in it masked."""
    secrets = [s for url in urls for s in secrets_of(url)]
    for secret in secrets:
        text = text.replace(secret, "***")
    if secrets:
        # Drivers quote fragments of a connection string they cannot parse.
        text = re.sub(
            r'"([^"]+)"',
            lambda m: '"***"' if any(m.group(1) in s for s in secrets) else m.group(0),
            text,
        )
    return text
