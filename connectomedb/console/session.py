"""What the SQL and the Cypher console share: the dataset a session is about, the write guard
and running a ``;``-separated text statement by statement."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd

from connectomedb.console.text import split_statements, write_keyword
from connectomedb.errors import QueryError
from connectomedb.stores.closing import Closing
from connectomedb.stores.datasets import resolve_dataset
from connectomedb.stores.sql import Connection


def refusal(keyword: str, language: str) -> QueryError:
    return QueryError(
        f"{language}: the statement writes ({keyword}) and the console is read-only. "
        f"Run `connectomedb {language} --write` to allow writes."
    )


class Session(Closing):
    """One user's session in ``language`` (``sql`` or ``cypher``, also the engine's name)."""

    language = "?"

    def __init__(self, *, dataset: str | None, write: bool) -> None:
        self.write = write
        self._dataset = dataset

    # --- what a console provides ---------------------------------------------------------

    def _connection(self) -> Connection:
        """What the loaded datasets are listed on."""
        raise NotImplementedError

    def _only_dataset(self) -> str:
        """The only loaded dataset (else the error saying which are)."""
        return resolve_dataset(self._connection(), None, self.language)

    def _values(self, params: dict[str, Any]) -> dict[str, Any]:
        """The parameters every statement of one run gets."""
        return params

    def _one(self, statement: str, params: dict[str, Any]) -> pd.DataFrame:
        raise NotImplementedError

    # --- shared --------------------------------------------------------------------------

    @property
    def dataset(self) -> str:
        """The dataset name the dataset parameter stands for (resolved on first use)."""
        if self._dataset is None:
            self._dataset = self._only_dataset()
        return self._dataset

    def run(self, text: str, params: Mapping[str, Any] | None = None) -> Iterator[pd.DataFrame]:
        """Run the ``;``-separated statements of ``text`` one by one as the result is
        iterated; one frame per statement. Nothing runs when one of them writes on a
        read-only console."""
        statements = split_statements(text, self.language)
        if not self.write:
            for statement in statements:
                keyword = write_keyword(statement, self.language)
                if keyword is not None:
                    raise refusal(keyword, self.language)
        values = self._values(dict(params or {})) if statements else {}
        return (self._one(statement, values) for statement in statements)
