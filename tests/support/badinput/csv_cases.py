"""A broken connectome.csv: each case breaks a copy of a valid folder and returns the exact
message a user must see."""

from __future__ import annotations

from pathlib import Path

from support.badinput.edits import csv_lines, write_csv
from support.badinput.messages import AXON_CLASS_NAMES, CSV_HINT, TARGET_CLASS_NAMES, Case


def _csv_bad_header(d: Path) -> str:
    lines = csv_lines(d)
    lines[0] = "class" + lines[0]
    write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 1, column 1: expected an empty first header cell, found "
        f"'class'. {CSV_HINT}"
    )


def _csv_unknown_target(d: Path) -> str:
    lines = csv_lines(d)
    cells = lines[0].split(",")
    cells[2] = "Dendrite?"
    lines[0] = ",".join(cells)
    write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 1, column 3: expected a target class "
        f"({TARGET_CLASS_NAMES}), found 'Dendrite?'. {CSV_HINT}"
    )


def _csv_ragged(d: Path) -> str:
    lines = csv_lines(d)
    width = len(lines[0].split(","))
    lines[2] = lines[2] + ",7"
    write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 3: expected {width} cells like the header, found "
        f"{width + 1}. {CSV_HINT}"
    )


def _csv_negative(d: Path) -> str:
    lines = csv_lines(d)
    cells = lines[1].split(",")
    cells[2] = "-4"
    lines[1] = ",".join(cells)
    write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 2, column 3: expected a non-negative integer synapse count, "
        f"found '-4'. {CSV_HINT}"
    )


def _csv_fraction(d: Path) -> str:
    lines = csv_lines(d)
    cells = lines[-1].split(",")
    cells[-1] = "2.5"
    lines[-1] = ",".join(cells)
    write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line {len(lines)}, column {len(cells)}: expected a non-negative "
        f"integer synapse count, found '2.5'. {CSV_HINT}"
    )


def _csv_unknown_axon_class(d: Path) -> str:
    lines = csv_lines(d)
    cells = lines[1].split(",")
    cells[0] = "Excitatory"
    lines[1] = ",".join(cells)
    write_csv(d, lines)
    return (
        f"{d}/connectome.csv: line 2, column 1: expected an axon class ({AXON_CLASS_NAMES}), "
        f"found 'Excitatory'. {CSV_HINT}"
    )


def _csv_empty(d: Path) -> str:
    (d / "connectome.csv").write_bytes(b"")
    return f"{d}/connectome.csv: line 1: expected a header row, found an empty file. {CSV_HINT}"


def _csv_not_utf8(d: Path) -> str:
    lines = csv_lines(d)
    raw = ("\n".join(lines[:2]) + "\n").encode() + b"\xff\xfe,1\n"
    (d / "connectome.csv").write_bytes(raw)
    offset = raw.index(b"\xff")
    return (
        f"{d}/connectome.csv: expected UTF-8 text, found undecodable bytes at offset "
        f"{offset}. {CSV_HINT}"
    )


CSV_CASES: list[Case] = [
    Case("csv-bad-header", _csv_bad_header),
    Case("csv-unknown-target-class", _csv_unknown_target),
    Case("csv-unknown-axon-class", _csv_unknown_axon_class),
    Case("csv-ragged-row", _csv_ragged),
    Case("csv-negative-count", _csv_negative),
    Case("csv-non-integer-count", _csv_fraction),
    Case("csv-empty", _csv_empty),
    Case("csv-not-utf8", _csv_not_utf8),
]
