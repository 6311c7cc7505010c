"""Statement text: split at ``;`` and find the keywords of clauses that write.

Both work on tokens, so a ``;`` or a keyword inside a string, a comment or a backquoted name
does not count, and neither does a property (``n.set``), a label (``:Create``) or a map key
(``{delete: 1}``) that happens to be spelled like a keyword.
"""

from __future__ import annotations

import re

#: Clause keywords that change the database, its files or files on disk (Cypher and SQL).
#: Procedures (``CALL``) are left to the engine: it runs them read-only.
WRITE_KEYWORDS = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "DETACH",
        "REMOVE",
        "COPY",
        "DROP",
        "ALTER",
        "INSERT",
        "UPDATE",
        "UPSERT",
        "TRUNCATE",
        "GRANT",
        "REVOKE",
        "DENY",
        "RENAME",
        "EXPORT",
        "IMPORT",
        "INSTALL",
        "UNINSTALL",
        "ATTACH",
        "CHECKPOINT",
        "VACUUM",
        "REINDEX",
        "CLUSTER",
        "COMMENT",
        "REFRESH",
        "LOCK",
    }
)
_PATTERN = r"""
    (?P<space>\s+)
  | (?P<comment>{comment}|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.|'')*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<quoted>`(?:[^`]|``)*(?:`|\Z))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<semi>;)
  | (?P<other>.)
    """
#: Line comments: ``//`` in Cypher (where ``--`` is a relationship), ``--`` in SQL.
_TOKEN = {
    "cypher": re.compile(_PATTERN.format(comment="//[^\n]*"), re.VERBOSE | re.DOTALL),
    "sql": re.compile(_PATTERN.format(comment="--[^\n]*"), re.VERBOSE | re.DOTALL),
}


def _tokens(text: str, dialect: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of every token but spaces and comments."""
    out = []
    for m in _TOKEN[dialect].finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("space", "comment"):
            out.append((kind, m.group(), m.start()))
    return out


def split_statements(text: str, dialect: str = "cypher") -> list[str]:
    """The statements of ``text``, split at every ``;`` outside strings and comments;
    empty ones left out."""
    out, start = [], 0
    for kind, _, offset in _tokens(text, dialect):
        if kind == "semi":
            out.append(text[start:offset])
            start = offset + 1
    out.append(text[start:])
    return [s.strip() for s in out if _tokens(s, dialect)]


def is_complete(text: str, dialect: str = "cypher") -> bool:
    """Whether ``text`` ends with a ``;`` that is not inside a string or comment (the prompt
    then runs it)."""
    tokens = _tokens(text, dialect)
    if not tokens or tokens[-1][0] != "semi":
        return False
    last_kind, last_text, _ = tokens[-1]
    return not (last_kind in ("string", "quoted") and not last_text.endswith(last_text[0]))


def write_keyword(text: str, dialect: str = "cypher") -> str | None:
    """The first keyword of ``text`` that writes (upper case), or ``None`` if it only reads."""
    tokens = _tokens(text, dialect)
    for i, (kind, word, _) in enumerate(tokens):
        if kind != "word":
            continue
        upper = word.upper()
        if upper not in WRITE_KEYWORDS:
            continue
        before = tokens[i - 1][1] if i else ""
        after = tokens[i + 1][1] if i + 1 < len(tokens) else ""
        if before in (".", ":", "$") or after == ":":
            continue  # a property, label, parameter or map key
        if upper == "COMMENT" and after.upper() != "ON":
            continue
        return upper
    return None
