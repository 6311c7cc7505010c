"""``connectomedb export neo4j-import``: the files read back against the documented header
format of ``neo4j-admin database import`` and against counts computed from the source."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.datasets import handmade_source
from support.graph_oracle import expected_counts

from connectomedb.cli import main
from connectomedb.config import Settings
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.load.graph import begin_graph_load
from connectomedb.synth import generate, write

# The header field forms of the import tool: ID with an ID space, LABEL, START_ID/END_ID with
# an ID space, TYPE, and name:type with a documented type (optionally an array).
TYPES = "int|long|float|double|boolean|byte|short|char|string|datetime"
FIELD = re.compile(
    rf"^(?::ID\((?P<id>\w+)\)|:LABEL|:START_ID\((?P<start>\w+)\)|:END_ID\((?P<end>\w+)\)|:TYPE"
    rf"|(?P<prop>\w+):(?P<type>{TYPES})(?P<array>\[\])?)$"
)


def read_import(outdir: Path) -> tuple[dict, dict]:
    """Parse every header/data pair: nodes[label] = (fields, rows), rels[stem] likewise."""
    nodes, rels = {}, {}
    for header in sorted(outdir.glob("*.header.csv")):
        stem = header.name[: -len(".header.csv")]
        fields = header.read_text(encoding="utf-8").strip().split(",")
        with open(outdir / f"{stem}.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        (rels if "." in stem else nodes)[stem] = (fields, rows)
    return nodes, rels


def check_value(value: str, type_: str, array: bool) -> None:
    if value == "":
        return  # a missing property
    items = value.split(";") if array else [value]
    for item in items:
        if type_ in ("int", "long", "short", "byte"):
            int(item)
        elif type_ in ("double", "float"):
            float(item)
        elif type_ == "boolean":
            assert item in ("true", "false")
        elif type_ == "datetime":
            assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", item), item


def check_import_files(outdir: Path, expected_nodes: dict, expected_rels: dict) -> None:
    nodes, rels = read_import(outdir)
    ids: dict[str, set[str]] = {}
    for label, (fields, rows) in nodes.items():
        matches = [FIELD.match(f) for f in fields]
        assert all(matches), (label, fields)
        assert [m["id"] for m in matches if m["id"]] == [label]  # one ID space per label
        assert fields[-1] == ":LABEL"
        assert len(rows) == expected_nodes[label]
        space = [r[0] for r in rows]
        assert len(set(space)) == len(space)  # IDs unique in their space
        ids[label] = set(space)
        for i, m in enumerate(matches):
            if m["prop"]:
                for row in rows:
                    assert len(row) == len(fields)
                    check_value(row[i], m["type"], bool(m["array"]))
        assert {r[-1] for r in rows} == {label}
        dataset_col = fields.index("dataset:string")
        assert len({r[dataset_col] for r in rows}) == 1
    per_type: dict[str, int] = {}
    for stem, (fields, rows) in rels.items():
        rtype, frm, to = stem.split(".")
        matches = [FIELD.match(f) for f in fields]
        assert all(matches), (stem, fields)
        assert fields[0] == f":START_ID({frm})" and fields[1] == f":END_ID({to})"
        assert fields[-1] == ":TYPE"
        assert {r[-1] for r in rows} == {rtype}
        assert {r[0] for r in rows} <= ids[frm]  # every relationship has its nodes
        assert {r[1] for r in rows} <= ids[to]
        for i, m in enumerate(matches):
            if m["prop"]:
                for row in rows:
                    check_value(row[i], m["type"], bool(m["array"]))
        per_type[rtype] = per_type.get(rtype, 0) + len(rows)
    assert per_type == {k: v for k, v in expected_rels.items() if v}


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(generate("tiny", seed=0), tmp_path_factory.mktemp("tiny"))


def test_export_from_a_source_folder(tmp_path: Path, tiny_folder: Path) -> None:
    out = tmp_path / "import"
    result = CliRunner().invoke(
        main,
        ["export", "neo4j-import", str(out), str(tiny_folder), "--name", "tiny", "-q"]
        + ["--graph-segments"],  # the whole graph: every count is checked
    )
    assert result.exit_code == 0, result.output
    command = result.stdout.strip()
    assert command.startswith("neo4j-admin database import full neo4j --nodes=")
    for header in out.glob("*.header.csv"):
        option = "--relationships" if header.name.count(".") > 2 else "--nodes"
        data = header.with_name(header.name.replace(".header.csv", ".csv"))
        if data.stat().st_size:
            assert f"{option}={header.resolve()},{data.resolve()}" in command
    nodes, rels = expected_counts(read_dataset(tiny_folder))
    check_import_files(out, nodes, rels)
    (_, rows) = read_import(out)[0]["Dataset"]
    assert rows[0][0].startswith("tiny@") and rows[0][4] == "true"  # current
    assert "CREATE CONSTRAINT `synapse_key`" in (out / "schema.cypher").read_text()


def test_export_from_the_graph_store(tmp_path: Path) -> None:
    src = handmade_source(seed=9)
    settings = Settings(home=tmp_path / "home", graph_segments=True)  # the whole graph
    job = begin_graph_load(settings, src, "hand", replace=False)
    assert job is not None
    job.prepare()
    job.commit()
    out = tmp_path / "import"
    result = CliRunner().invoke(
        main,
        ["export", "neo4j-import", str(out), "--dataset", "hand", "--home", str(settings.home)],
    )
    assert result.exit_code == 0, result.output
    nodes, rels = expected_counts(src)
    check_import_files(out, nodes, rels)
    # The values survive the round trip store -> files: synapse ASI areas and positions.
    fields, rows = read_import(out)[0]["Synapse"]
    asi, pre_x = fields.index("asi_area:double"), fields.index("pre_x:int")
    by_id = {int(r[fields.index("id:long")]): r for r in rows}
    for i in range(1, src.synapses.n + 1):
        want = src.synapses.asi_area[i - 1]
        got = by_id[i][asi]
        assert (got == "") if want != want else float(got) == pytest.approx(want)
        assert int(by_id[i][pre_x]) == src.synapses.pre_position[i - 1, 0]


def test_export_needs_exactly_one_source(tmp_path: Path, tiny_folder: Path) -> None:
    result = CliRunner().invoke(main, ["export", "neo4j-import", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "give either --dataset NAME (a loaded dataset) or a source folder" in result.output


def test_export_without_the_segment_layer(tmp_path: Path, tiny_folder: Path) -> None:
    """As a load, an export of a source folder leaves the segment layer out by default."""
    out = tmp_path / "import"
    result = CliRunner().invoke(main, ["export", "neo4j-import", str(out), str(tiny_folder)])
    assert result.exit_code == 0, result.output
    nodes, rels = expected_counts(read_dataset(tiny_folder))
    assert nodes["Segment"] > 0 and rels["HAS_SEGMENT"] > 0
    layer = {"Segment", "PRE", "POST", "HAS_SEGMENT"}
    check_import_files(
        out,
        {k: 0 if k in layer else n for k, n in nodes.items()},
        {k: 0 if k in layer else n for k, n in rels.items()},
    )
    fields, rows = read_import(out)[0]["Dataset"]
    assert rows[0][fields.index("segments:boolean")] == "false"
