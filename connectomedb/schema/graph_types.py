"""The building blocks of the graph model (:mod:`connectomedb.schema.graph`): property types with
their spelling in each engine, properties, node labels and relationship types."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class PropType(enum.Enum):
    """A property type with its spelling in each engine.

    ``value``: (LadybugDB DDL type, ``neo4j-admin import`` header type).
    """

    INT16 = ("INT16", "short")
    INT32 = ("INT32", "int")
    INT64 = ("INT64", "long")
    DOUBLE = ("DOUBLE", "double")
    STRING = ("STRING", "string")
    BOOL = ("BOOLEAN", "boolean")
    TIMESTAMP = ("TIMESTAMP", "datetime")
    STRING_LIST = ("STRING[]", "string[]")

    @property
    def ladybug(self) -> str:
        return self.value[0]

    @property
    def neo4j_import(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class Prop:
    name: str
    type: PropType
    doc: str = ""


@dataclass(frozen=True)
class NodeLabel:
    """A node label: ``props`` in storage order, ``dataset`` first, then the key property."""

    name: str
    key: str
    props: tuple[Prop, ...]
    doc: str = ""

    @property
    def prop_names(self) -> list[str]:
        return [p.name for p in self.props]

    @property
    def data_props(self) -> tuple[Prop, ...]:
        """The properties without ``dataset`` (the columns of a node frame)."""
        return tuple(p for p in self.props if p.name != "dataset")

    @property
    def key_type(self) -> PropType:
        return next(p.type for p in self.props if p.name == self.key)


@dataclass(frozen=True)
class RelType:
    """A relationship type; ``endpoints`` are its (from label, to label) pairs."""

    name: str
    endpoints: tuple[tuple[str, str], ...]
    props: tuple[Prop, ...] = ()
    doc: str = ""

    @property
    def prop_names(self) -> list[str]:
        return [p.name for p in self.props]
