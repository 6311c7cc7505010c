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


#: Every node's first property, and the key of the nodes with a published ID.
DATASET = Prop("dataset", PropType.STRING, "dataset key (the name; in Neo4j name@version)")
ID = Prop("id", PropType.INT64, "published ID")

#: The type names of :func:`props` specs.
SPEC_TYPES = {
    "int16": PropType.INT16,
    "int32": PropType.INT32,
    "int64": PropType.INT64,
    "double": PropType.DOUBLE,
    "string": PropType.STRING,
    "bool": PropType.BOOL,
    "timestamp": PropType.TIMESTAMP,
    "string[]": PropType.STRING_LIST,
}


def props(spec: str) -> tuple[Prop, ...]:
    """Properties from a compact spec, one line per run of properties of one type and
    description: ``name [name ...] type [-- description]``."""
    out: list[Prop] = []
    for line in spec.strip().splitlines():
        text, _, doc = line.partition("--")
        *names, type_name = text.split()
        out.extend(Prop(name, SPEC_TYPES[type_name], doc.strip()) for name in names)
    return tuple(out)


def distribution(prefix: str, what: str, mean: bool = True) -> tuple[Prop, ...]:
    """``{prefix}_mean`` (unless ``mean`` is false), ``_median``, ``_q1`` and ``_q3`` of
    ``what`` (linear interpolation, as PostgreSQL's ``percentile_cont``)."""
    f64 = PropType.DOUBLE
    return (
        *((Prop(f"{prefix}_mean", f64, f"mean {what}"),) if mean else ()),
        Prop(f"{prefix}_median", f64, f"median {what} (linear interpolation)"),
        Prop(f"{prefix}_q1", f64, "first quartile"),
        Prop(f"{prefix}_q3", f64, "third quartile"),
    )


def class_rel(name: str, props: tuple[Prop, ...], rows: str) -> RelType:
    """A class-level aggregate from an axon class to a target class, one relationship
    ``rows`` (built by :mod:`connectomedb.etl.class_stats`)."""
    doc = f"aggregate: {rows} (connectomedb.etl.class_stats)"
    return RelType(name, (("AxonClass", "TargetClass"),), props, doc)
