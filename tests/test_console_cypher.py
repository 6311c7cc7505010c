"""``connectomedb cypher``: statements on the embedded graph, read-only unless --write.

The README's Cypher examples run through the console and are compared with pandas on the
source dataset; writes are refused by the console and, below it, by the engine; errors are one
message and a non-zero exit; the interactive prompt is driven through a pseudo-terminal.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from support.cli import cli_runner
from support.cypher_lint import ROOT, markdown_cypher
from support.graph_oracle import neuron_input_classes

from connectomedb.cli import main
from connectomedb.config import Settings
from connectomedb.console.cypher import CypherConsole
from connectomedb.errors import QueryError
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.load.graph.ladybug import begin_ladybug_load
from connectomedb.stores.ladybug_layout import DatasetLock
from connectomedb.synth.generate import generate

COUNT_AXONS = "MATCH (a:Axon {dataset: $dataset}) RETURN count(*) AS n"


@pytest.fixture(scope="module")
def source() -> SourceDataset:
    return generate("tiny", 0).dataset


@pytest.fixture(scope="module")
def home(source: SourceDataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("console-home")
    for name in ("tiny", "other"):  # two datasets: $dataset must pick the right one
        load = begin_ladybug_load(home / "graph", source, name, replace=False)
        assert load is not None
        load.prepare()
        load.commit()
    return home


def cypher(home: Path, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = cli_runner().invoke(main, ["cypher", "--home", str(home), *args], input=stdin)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def on_tiny(home: Path, fmt: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """``connectomedb cypher`` on the dataset ``tiny``, printing ``fmt``."""
    return cypher(home, "--dataset", "tiny", "--format", fmt, *args, stdin=stdin)


def axon_count(home: Path, dataset: str = "tiny") -> int:
    code, out, err = cypher(home, "--dataset", dataset, "--format", "json", COUNT_AXONS)
    assert code == 0, err
    return int(json.loads(out)[0]["n"])


# --- the README's examples --------------------------------------------------------------


def _readme_expected(source: SourceDataset, text: str) -> pd.DataFrame:
    """The answer of a README example, computed with pandas from the source dataset."""
    if "Which axon classes feed neuron 3" in text:
        out = neuron_input_classes(source, 3)
        return out.sort_values(["synapses", "axon_class"], ascending=[False, True])
    raise AssertionError(f"README example without an independent answer: {text[:80]!r}")


def test_the_readme_examples_give_the_expected_rows(home: Path, source: SourceDataset) -> None:
    examples = markdown_cypher(ROOT / "README.md")
    assert examples
    for text in examples:
        expected = _readme_expected(source, text).reset_index(drop=True)
        assert len(expected) > 0  # the example has an answer on this dataset
        code, out, err = on_tiny(home, "csv", text)
        assert code == 0, err
        got = pd.read_csv(io.StringIO(out))
        assert got.synapses.dtype.kind == "i"  # a sum prints as an integer, not 9.0
        got = got.sort_values(["synapses", "axon_class"], ascending=[False, True])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)


def test_dataset_and_parameters(home: Path, source: SourceDataset) -> None:
    assert axon_count(home, "tiny") == len(source.axons.class_code)
    code, out, err = on_tiny(
        home,
        "json",
        "-p",
        "ids",
        "[1, 2, 3]",
        "-p",
        "c",
        "Inhibitory",
        "MATCH (a:Axon {dataset: $dataset}) WHERE a.id IN $ids "
        "RETURN a.id AS id, a.class = $c AS inhibitory, $dataset AS dataset ORDER BY id",
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert {r["dataset"] for r in rows} == {"tiny"}
    names = dict(zip(source.axons.classes.frame.code, source.axons.classes.frame.name, strict=True))
    for r in rows:
        expected = names.get(int(source.axons.class_code[r["id"] - 1])) == "Inhibitory"
        assert r["inhibitory"] == expected


def test_statements_from_stdin_run_in_order(home: Path) -> None:
    code, out, err = on_tiny(
        home,
        "csv",
        stdin="RETURN 1 AS one;\n// a comment; with a semicolon\nRETURN 'a;b' AS two;\n",
    )
    assert code == 0, err
    assert out.splitlines() == ["one", "1", "two", "a;b"]


def test_nodes_print_as_cypher(home: Path) -> None:
    code, out, err = cypher(
        home,
        "--dataset",
        "tiny",
        "MATCH (a:Axon {dataset: $dataset, id: 1})-[c:CONNECTS_TO]->(t:Target) "
        "RETURN a, c ORDER BY t.id LIMIT 1",
    )
    assert code == 0, err
    assert "(:Axon {dataset: 'tiny', id: 1," in out and "[:CONNECTS_TO {synapses:" in out
    assert "_ID" not in out


def test_json_holds_every_value_type(home: Path) -> None:
    code, out, err = on_tiny(
        home,
        "json",
        "RETURN CAST(1.5 AS DECIMAL(10, 2)) AS d, timestamp('2020-01-01 10:00:00') AS t, "
        "date('2020-01-02') AS day, UUID('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11') AS u, "
        "sum(7) AS s, [1, 2] AS l",
    )
    assert code == 0, err
    assert json.loads(out) == [
        {
            "d": 1.5,
            "t": "2020-01-01T10:00:00",
            "day": "2020-01-02",
            "u": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "s": 7,
            "l": [1, 2],
        }
    ]


# --- read-only -------------------------------------------------------------------------


WRITES = {
    "CREATE": "CREATE (n:Neuron {dataset: $dataset, id: 424242})",
    "MERGE": "MERGE (n:Neuron {dataset: $dataset, id: 424242})",
    "SET": "MATCH (a:Axon {dataset: $dataset}) SET a.class = 'x'",
    "DETACH": "MATCH (a:Axon {dataset: $dataset}) DETACH DELETE a",
    "DELETE": "MATCH (:Axon {dataset: $dataset})-[c:CONNECTS_TO]->() DELETE c",
    "REMOVE": "MATCH (a:Axon {dataset: $dataset}) REMOVE a.class",
    "DROP": "DROP TABLE Neuron",
    "ALTER": "ALTER TABLE Axon ADD extra INT64",
    "COPY": "COPY (MATCH (a:Axon) RETURN a.id) TO '{out}'",
}


@pytest.mark.parametrize("keyword", sorted(WRITES))
def test_writes_are_refused_without_write(home: Path, keyword: str, tmp_path: Path) -> None:
    before = axon_count(home)
    out_file = tmp_path / "out.csv"
    statement = WRITES[keyword].replace("{out}", str(out_file))
    code, out, err = cypher(home, "--dataset", "tiny", statement)
    assert code == QueryError.exit_code
    assert err.strip() == (
        f"Error: cypher: the statement writes ({keyword}) and the console is read-only. "
        "Run `connectomedb cypher --write` to allow writes."
    )
    assert "Traceback" not in err and out == ""
    assert axon_count(home) == before
    assert not out_file.exists()


def test_the_engine_refuses_what_the_guard_lets_through(home: Path) -> None:
    """Below the keyword guard, the database itself is opened read-only."""
    with CypherConsole(Settings(home=home), dataset="tiny") as console:
        with pytest.raises(QueryError, match="console is read-only"):
            console._one("CREATE (n:Neuron {dataset: 'tiny', id: 424242})", {"dataset": "tiny"})
    assert axon_count(home) == len(generate("tiny", 0).dataset.axons.class_code)


def test_a_read_takes_no_lock_and_a_write_takes_the_load_lock(home: Path) -> None:
    lock = DatasetLock(home / "graph", "other")
    try:  # a load of "other" is running: reads go on, writes wait for it
        assert axon_count(home, "other") > 0
        code, _, err = cypher(home, "--dataset", "other", "--write", COUNT_AXONS)
        assert code != 0 and "dataset 'other' is being loaded" in err
    finally:
        lock.release()


def test_write_allows_writes(home: Path) -> None:
    before = axon_count(home, "other")
    code, _, err = cypher(
        home,
        "--dataset",
        "other",
        "--write",
        "MATCH (a:Axon {dataset: $dataset, id: 1}) DETACH DELETE a",
    )
    assert code == 0, err
    assert axon_count(home, "other") == before - 1
    assert axon_count(home, "tiny") == before  # the other dataset is untouched


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("MATCH (a:Axon) RETRN a", "Parser exception: Invalid input <MATCH (a:Axon) RETRN>"),
        ("MATCH (a:Axon) RETURN b", "Binder exception: Variable b is not in scope"),
        ("MATCH (a:Axon {id: $nope}) RETURN a", "nope"),
    ],
)
def test_errors_are_one_message_and_a_non_zero_exit(
    home: Path, statement: str, message: str
) -> None:
    code, out, err = cypher(home, "--dataset", "tiny", statement)
    assert code == QueryError.exit_code
    assert err.startswith("Error: graph: LadybugDB rejected the statement: ")
    assert message in err and "Traceback" not in err and out == ""
    if "RETRN" in statement:
        assert "(line: 1, offset: 15)" in err  # the position


def test_parameter_values_the_engine_cannot_type(home: Path) -> None:
    code, out, err = cypher(home, "--dataset", "tiny", "-p", "x", '[1, "a"]', "RETURN $x AS v")
    assert code == QueryError.exit_code and out == "" and "Traceback" not in err
    assert "cannot use the parameter values" in err


def test_unknown_dataset_and_ambiguous_dataset(home: Path) -> None:
    code, _, err = cypher(home, "--dataset", "nope", COUNT_AXONS)
    assert code == QueryError.exit_code and "dataset 'nope' is not loaded" in err
    code, _, err = cypher(home, COUNT_AXONS)  # two datasets are loaded
    assert code == QueryError.exit_code and "--dataset NAME" in err


# --- the interactive prompt ------------------------------------------------------------


def test_the_prompt_in_a_terminal(home: Path, source: SourceDataset, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    exe = Path(sys.executable).with_name("connectomedb")
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "200"}
    child = pexpect.spawn(
        str(exe),
        ["cypher", "--home", str(home), "--dataset", "tiny"],
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 200),
    )
    try:
        child.expect_exact("cypher> ")
        child.sendline(":schema")
        child.expect_exact("CONNECTS_TO")
        child.expect_exact("Axon→Target")
        child.expect_exact("cypher> ")
        child.sendline("MATCH (a:Axon {dataset: $dataset})")  # a statement over two lines
        child.expect_exact("> ")
        child.sendline("RETURN count(*) * 1000 + 7 AS marker;")
        child.expect_exact(f"{len(source.axons.class_code) * 1000 + 7}")
        child.expect_exact("cypher> ")
        child.sendline("MATCH (a:Axon) SET a.class = 'x';")
        child.expect_exact("the console is read-only")
        child.expect_exact("cypher> ")
        child.sendline(":params")
        child.expect_exact('$dataset = "tiny"')
        child.sendline(":quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    history = (home / "console" / "cypher_history").read_text(encoding="utf-8")
    assert "RETURN count(*) * 1000 + 7 AS marker;" in history
    assert ":schema" in history
