"""The named queries: files under ``sql/`` and ``cypher/`` loaded into frozen :class:`Query`
objects.

Every query file starts with a header of comment lines (``--`` in SQL, ``//`` in Cypher)::

    -- name: class_matrix
    -- description: Connectome synapses by axon class x target class.
    -- params: min_axon_synapses int 1
    -- params: axon_class text null
    -- columns: axon_class, target_class, synapses
    -- types: axon_class text, target_class text, synapses int
    -- rule: 2, 3, 5, 6

``params`` lines are ``name type default`` (one per line; ``null`` = no default value, which
for a filter means "all"; ``required`` = the caller must give a value); the types are
``int``, ``float``, ``text``, ``int[]`` and ``text[]``. Every query also takes ``dataset``
(text), which the library resolves. ``types`` gives every result column its type (``int``,
``float`` or ``text``, in the order of ``columns``): part of the query's contract, enforced on
every engine (an ``int`` column is a pandas ``Int64`` column whatever the engine returned).
An optional ``requires: connectome.csv`` names source files the dataset must have been loaded
with. Continuation lines are indented; an unindented comment after the fields is a note on the
statement, not part of the header. The SQL
and the Cypher file of a query must agree on name, parameters and result columns; a variant
for Neo4j, where its text differs from LadybugDB's, lives under ``cypher/neo4j/``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from connectomedb.errors import QueryError

QUERY_DIR = Path(__file__).parent
TYPES = ("int", "float", "text", "int[]", "text[]")
#: Types of result columns (``types:`` header line).
COLUMN_TYPES = ("int", "float", "text")
#: The largest whole number a parameter may hold: IDs and counts are 32-bit in the model, and
#: one bound for every engine keeps the message the same whatever runs the query.
INT_MAX = 2**31 - 1
#: Parameters whose value is a count with a meaningful floor (``limit`` needs at least one
#: row: ``all`` or null lifts it); the other ``min_*`` counts start at 0.
_FLOORS = {"limit": 1}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_COMMENT = re.compile(r"^(?:--|//)(?P<text>.*)$")
_FIELD = re.compile(
    r"^ (?P<key>name|description|params|columns|types|requires|rule):\s*(?P<value>.*?)\s*$"
)


@dataclass(frozen=True)
class Param:
    """One query parameter: name, type (one of :data:`TYPES`) and default (``None`` = null)."""

    name: str
    type: str
    default: Any = None
    minimum: int | None = None
    required: bool = False

    def coerce(self, value: Any, query: str) -> Any:
        """``value`` as this parameter's Python type; :class:`QueryError` if it cannot be."""
        if value is None:
            return None
        try:
            if self.type == "int":
                result: Any = _to_int(value)
            elif self.type == "float":
                result = float(value)
                if math.isnan(result):
                    raise ValueError("NaN")
            elif self.type == "text":
                if not isinstance(value, str):
                    raise ValueError("not a string")
                result = value
            elif self.type == "int[]":
                items = value.split(",") if isinstance(value, str) else list(value)
                result = [_to_int(v) for v in items if not (isinstance(v, str) and not v.strip())]
            else:  # text[]
                items = value.split(",") if isinstance(value, str) else list(value)
                result = [str(v).strip() for v in items if str(v).strip()]
        except (TypeError, ValueError):
            raise QueryError(
                f"query {query!r}: parameter {self.name!r} expects {self.type}, found "
                f"{value!r}. Pass {_example(self.type)}."
            ) from None
        texts = [result] if self.type == "text" else result if self.type == "text[]" else []
        if any("\x00" in text for text in texts):
            # PostgreSQL text cannot hold NUL: say so instead of letting the driver fail.
            raise QueryError(
                f"query {query!r}: parameter {self.name!r} contains a NUL character (\\x00), "
                "which no text in the database can hold. Remove it from the value."
            )
        if self.type == "int":
            self._check_range(result, query)
        elif self.type == "int[]":
            for item in result:
                self._check_range(item, query)
        return result

    def _check_range(self, value: int, query: str) -> None:
        """One range and one message for every engine (PostgreSQL and the graph stores would
        each fail differently on a number they cannot hold)."""
        ids = self.name.endswith(("_id", "_ids"))
        low = 1 if ids else self.minimum if self.minimum is not None else -INT_MAX - 1
        if low <= value <= INT_MAX:
            return
        what = "IDs" if ids else "whole numbers"
        tail = " Pass all (or null) for every row." if self.name == "limit" else ""
        raise QueryError(
            f"query {query!r}: parameter {self.name!r} takes {what} from {low} to {INT_MAX} "
            f"(32-bit), found {value}.{tail}"
        )


def _to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("bool")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("not integral")
        return int(value)
    return int(str(value).strip()) if isinstance(value, str) else int(value)


def _example(type_: str) -> str:
    return {
        "int": "a whole number such as 2",
        "float": "a number such as 0.5",
        "text": "a text value",
        "int[]": "whole numbers such as 3,17,42 (a list in Python)",
        "text[]": "names such as Inhibitory,Thalamocortical (a list in Python)",
    }[type_]


@dataclass(frozen=True)
class Query:
    """A named analysis with its SQL and Cypher text.

    ``sql``/``cypher``/``cypher_neo4j`` hold the file texts (``None`` where there is none;
    Neo4j uses ``cypher`` when it has no variant of its own). ``columns`` are the result columns,
    identical in every language, and ``types`` their types (``int``, ``float``, ``text``);
    ``requires`` names source files the dataset must have been loaded with (``connectome.csv``);
    ``rule`` names the counting rules of docs/model.md it follows.
    """

    name: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[str, ...]
    rule: str
    types: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    sql: str | None = None
    cypher: str | None = None
    cypher_neo4j: str | None = None
    files: tuple[str, ...] = field(default=())

    @property
    def engines(self) -> tuple[str, ...]:
        return tuple(e for e, text in (("sql", self.sql), ("cypher", self.cypher)) if text)

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Validated parameter values (defaults filled in, ``dataset`` excluded)."""
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise QueryError(
                f"query {self.name!r} has no parameter {', '.join(map(repr, unknown))}. "
                f"Its parameters are: {self.describe_params() or 'none'}."
            )
        bound = {p.name: p.coerce(values.get(p.name, p.default), self.name) for p in self.params}
        missing = [p for p in self.params if p.required and bound[p.name] is None]
        if missing:
            p = missing[0]
            raise QueryError(
                f"query {self.name!r} needs parameter {p.name!r} ({p.type}): it has no default. "
                f"Pass {_example(p.type)}."
            )
        return bound

    def describe_params(self) -> str:
        return ", ".join(f"{p.name} ({p.type}, {describe_default(p)})" for p in self.params)

    def column_types(self) -> dict[str, str]:
        """Result column -> type (``int``, ``float`` or ``text``)."""
        return dict(zip(self.columns, self.types, strict=True))


def describe_default(param: Param) -> str:
    """``required``, ``default all`` (null) or ``default <value>``, as the catalogue shows it."""
    if param.required:
        return "required"
    return f"default {'all' if param.default is None else param.default}"


def _parse_default(type_: str, text: str, where: str) -> Any:
    if text in ("null", ""):
        return None
    probe = Param("default", type_)
    try:
        return probe.coerce(text, where)
    except QueryError:
        raise QueryError(f"{where}: default {text!r} is not a valid {type_}.") from None


def parse_header(text: str, where: str) -> dict[str, Any]:
    """The header fields of one query file: name, description, params, columns, rule."""
    fields: dict[str, Any] = {"params": []}
    raw: list[tuple[str, str]] = []  # (key, value) with continuation lines joined
    for line in text.splitlines():
        comment = _COMMENT.match(line.strip())
        if comment is None:
            break  # the header ends at the first line that is not a comment
        field_ = _FIELD.match(comment.group("text"))
        if field_ is not None:
            raw.append((field_.group("key"), field_.group("value")))
        elif (
            raw
            and comment.group("text").startswith("  ")
            and comment.group("text").strip()
            and raw[-1][0] != "params"
        ):
            # An indented comment line continues the previous field; an unindented one is a
            # comment on the statement, not part of the header.
            raw[-1] = (raw[-1][0], raw[-1][1] + " " + comment.group("text").strip())
    for key, value in raw:
        if key == "params":
            parts = value.split()
            if len(parts) not in (2, 3) or parts[1] not in TYPES or not _NAME.match(parts[0]):
                raise QueryError(
                    f"{where}: params line {value!r}: expected 'name type [default]' with a type "
                    f"in {', '.join(TYPES)}."
                )
            default_text = parts[2] if len(parts) == 3 else "null"
            required = default_text == "required"
            default = None if required else _parse_default(parts[1], default_text, where)
            counted = parts[0] == "limit" or parts[0].startswith("min_")
            minimum = _FLOORS.get(parts[0], 0) if counted and parts[1] == "int" else None
            fields["params"].append(Param(parts[0], parts[1], default, minimum, required))
        elif key == "columns":
            fields["columns"] = tuple(c.strip() for c in value.split(",") if c.strip())
        elif key == "types":
            fields["types"] = _parse_types(value, where)
        elif key == "requires":
            fields["requires"] = tuple(f.strip() for f in value.split(",") if f.strip())
        else:
            fields[key] = value.strip()
    for required_field in ("name", "description", "columns", "types", "rule"):
        if not fields.get(required_field):
            raise QueryError(f"{where}: the header has no '{required_field}:' line.")
    names = tuple(name for name, _ in fields["types"])
    if names != fields["columns"]:
        raise QueryError(
            f"{where}: 'types:' names the columns {list(names)}, but 'columns:' lists "
            f"{list(fields['columns'])}; give every column its type, in the same order."
        )
    fields["types"] = tuple(type_ for _, type_ in fields["types"])
    fields.setdefault("requires", ())
    if fields["name"] != Path(where).stem:
        raise QueryError(f"{where}: the header names {fields['name']!r}; the file name must match.")
    return fields


def _parse_types(value: str, where: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in value.split(","):
        parts = item.split()
        if len(parts) != 2 or parts[1] not in COLUMN_TYPES:
            raise QueryError(
                f"{where}: types entry {item.strip()!r}: expected 'column type' with a type in "
                f"{', '.join(COLUMN_TYPES)}."
            )
        pairs.append((parts[0], parts[1]))
    return tuple(pairs)


def _load_dir(folder: Path, pattern: str) -> dict[str, tuple[dict[str, Any], str, str]]:
    found = {}
    for path in sorted(folder.glob(pattern)):
        text = path.read_text(encoding="utf-8")
        rel = str(path.relative_to(QUERY_DIR))
        found[path.stem] = (parse_header(text, rel), text, rel)
    return found


def _same(a: dict[str, Any], b: dict[str, Any], field_: str, where: str) -> None:
    if a[field_] != b[field_]:
        raise QueryError(f"{where}: {field_} differ between languages: {a[field_]} vs {b[field_]}.")


@lru_cache(maxsize=1)
def load_queries() -> dict[str, Query]:
    """Every named query, keyed by name (cached: the files ship with the package)."""
    sql = _load_dir(QUERY_DIR / "sql", "*.sql")
    cypher = _load_dir(QUERY_DIR / "cypher", "*.cypher")
    neo4j = _load_dir(QUERY_DIR / "cypher" / "neo4j", "*.cypher")
    queries: dict[str, Query] = {}
    for name in sorted(set(sql) | set(cypher)):
        headers = [x for x in (sql.get(name), cypher.get(name), neo4j.get(name)) if x]
        first = headers[0][0]
        for other, _, rel in headers[1:]:
            for field_ in ("params", "columns", "types", "requires"):
                _same(first, other, field_, rel)
        queries[name] = Query(
            name=name,
            description=first["description"],
            params=tuple(first["params"]),
            columns=first["columns"],
            types=first["types"],
            requires=first["requires"],
            rule=first["rule"],
            sql=sql[name][1] if name in sql else None,
            cypher=cypher[name][1] if name in cypher else None,
            cypher_neo4j=neo4j[name][1] if name in neo4j else None,
            files=tuple(rel for _, _, rel in headers),
        )
    for name in neo4j:
        if name not in cypher:
            raise QueryError(
                f"cypher/neo4j/{name}.cypher has no LadybugDB version cypher/{name}.cypher."
            )
    return queries


def get(name: str) -> Query:
    """The query called ``name``; :class:`QueryError` listing close names when there is none."""
    queries = load_queries()
    if name in queries:
        return queries[name]
    import difflib

    close = difflib.get_close_matches(name, queries, n=3)
    hint = f"Did you mean {', '.join(close)}? " if close else ""
    raise QueryError(
        f"no query named {name!r}. {hint}List them with `connectomedb query list` "
        "(or connectomedb.queries.list_queries())."
    )
