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
====================  ================================  ==========================================
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from connectomedb.errors import ConfigError

ENV_PREFIX = "CONNECTOMEDB_"


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
    return Settings(**values)  # type: ignore[arg-type]


_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]*:)(?P<pw>[^@/\s]*)@")


def mask_url(url: str | None) -> str | None:
    """The URL with any password replaced by ``***``, for logs, errors and ``info`` output."""
    if url is None:
        return None
    return _PASSWORD_IN_URL.sub(lambda m: m.group("head") + "***@", url)
