"""The connectome report end to end: a synthetic dataset written in the published layout, read
by the extractor, loaded into a real PostgreSQL, reported, and opened in headless Chromium.

What the page shows is checked twice: every frame equals what the query library returns, and
the figures' numbers equal an independent pandas computation on the source data
(``report_oracle``). Chromium is required (``apt-get install -y chromium``): without it the
browser test fails with that instruction.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
import sqlalchemy
from click.testing import CliRunner
from support import report_oracle as oracle
from support.browser import check_page

from connectomedb import queries
from connectomedb.cli import main
from connectomedb.config import Settings
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.frames import SourceDataset
from connectomedb.etl.pipeline import run_load
from connectomedb.report import build_figures, build_report, fetch_report_data
from connectomedb.report.fetch import REPORT_QUERIES
from connectomedb.stores.graph import open_graph_store
from connectomedb.stores.postgres import sqlalchemy_url
from connectomedb.synth import generate, write
from connectomedb.vocabulary import MIN_SYNAPSES

SCALE = "demo"
DATASET = "demo"
FIGURES = 8


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SourceDataset]:
    folder = write(generate(SCALE, seed=0), tmp_path_factory.mktemp("report") / SCALE)
    return folder, read_dataset(folder)


@pytest.fixture
def settings(fresh_db_url: str, source: tuple[Path, SourceDataset], tmp_path: Path) -> Settings:
    """PostgreSQL at ``fresh_db_url`` and an embedded graph, both holding the demo dataset, loaded
    from its files by the pipeline."""
    settings = Settings(home=tmp_path / "home", postgres_url=fresh_db_url)
    run_load(settings, source[0], dataset=DATASET)
    return settings


@pytest.fixture
def loaded(settings: Settings) -> str:
    assert settings.postgres_url is not None
    return settings.postgres_url


def test_report_opens_offline_and_draws_every_figure(settings: Settings, tmp_path: Path) -> None:
    with open_graph_store(settings) as graph:
        out = build_report(settings.postgres_url, DATASET, tmp_path / "report.html", graph=graph)
    assert out == tmp_path / "report.html"
    text = out.read_text(encoding="utf-8")
    assert "<h3>Graph store</h3>" in text
    assert "gives the same class × class synapse counts as PostgreSQL" in text
    for name, _ in REPORT_QUERIES.values():  # each figure names the queries it shows
        assert f"<code>{name}</code>" in text, name
    check = check_page(out)
    (tmp_path / "report.png").write_bytes(check.screenshot)

    assert check.console_errors == []
    assert check.external_requests == []  # plotly.js is inline: no CDN, no network
    assert check.expected_figures == FIGURES
    assert [f.id for f in check.figures] == [
        "fig-class-matrix",
        "fig-class-matrix-normalised",
        "fig-target-specificity",
        "fig-synapse-types",
        "fig-asi-area",
        "fig-degree",
        "fig-multiplicity",
        "fig-asi-cv",
    ]
    for figure in check.figures:
        assert figure.traces > 0 and figure.drawn > 0, figure
        assert figure.width > 0 and figure.height > 0, figure
    assert check.screenshot.startswith(b"\x89PNG")
    assert check.page_height > 3000  # eight figures one below the other


def _pivot(frame: pd.DataFrame, value: str, rows: list, cols: list) -> np.ndarray:
    table = frame.pivot_table(
        index="axon_class", columns="target_class", values=value, aggfunc="sum", fill_value=0
    )
    return table.reindex(index=rows, columns=cols, fill_value=0).to_numpy(dtype=float)


def test_report_shows_what_the_queries_return(
    loaded: str, source: tuple[Path, SourceDataset]
) -> None:
    folder, src = source
    with psycopg.connect(loaded) as conn:
        data = fetch_report_data(conn, DATASET)
        for key, (name, params) in REPORT_QUERIES.items():
            expected = queries.run(name, conn, dataset=DATASET, **params)
            pd.testing.assert_frame_equal(getattr(data, key), expected, obj=key)
    figures = {f.key: f.figure for f in build_figures(data)}
    assert len(figures) == FIGURES

    # Header: the files' checksums and the loaded row counts.
    files = data.header.files.set_index("file")
    for name in ("axons.hdf5", "dendrites.hdf5", "synapses.hdf5", "connectome.csv"):
        assert files.loc[name, "sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert files.loc[name, "size"] == (folder / name).stat().st_size
    counts = data.header.row_counts.set_index("table")["rows"]
    assert counts["synapse"] == src.synapses.n
    assert counts["axon"] == src.axons.n
    assert data.header.name == DATASET and data.header.loaded_at

    # Class x class: database panel vs pandas (paper thresholds), csv panel vs the file.
    raw = figures["class-matrix"]
    rows, cols = list(raw.data[0].y), list(raw.data[0].x)
    truth = oracle.class_matrix(src, MIN_SYNAPSES, MIN_SYNAPSES)
    assert truth["synapses"].sum() > 0
    np.testing.assert_array_equal(np.asarray(raw.data[0].z), _pivot(truth, "synapses", rows, cols))
    np.testing.assert_array_equal(
        np.asarray(raw.data[1].z), _pivot(truth, "csv_synapses", rows, cols)
    )
    assert rows[:3] == ["Corticocortical", "Thalamocortical", "Inhibitory"]  # fixed class order
    normalised = np.asarray(figures["class-matrix-normalised"].data[0].z)
    expected = _pivot(truth, "synapses", rows, cols)
    np.testing.assert_allclose(normalised, expected / expected.sum(axis=1, keepdims=True))

    # Target specificity: bar = median over axons of the axon's fraction.
    spec = oracle.specificity(src).set_index(["axon_class", "target_class"])
    for trace in figures["target-specificity"].data:
        for axon_class, value in zip(trace.x, trace.y, strict=True):
            want = spec.loc[(axon_class, trace.name), "axon_fraction_median"]
            assert value == pytest.approx(want), (axon_class, trace.name)

    # Synapse types: stacked fractions per axon class.
    mix = oracle.type_mix(src).set_index(["side", "class", "synapse_type"])["fraction"]
    for trace in figures["synapse-types"].data[:4]:
        for axon_class, value in zip(trace.x, trace.y, strict=True):
            want = mix.get(("axon", axon_class, trace.name), 0.0)
            assert value == pytest.approx(want), (axon_class, trace.name)

    # ASI area medians per class pair.
    asi = oracle.asi(src).set_index(["axon_class", "target_class"])
    boxes = [t for t in figures["asi-area"].data if len(t.x)]
    assert boxes
    for trace in boxes:
        for axon_class, median in zip(trace.x, trace.median, strict=True):
            assert median == pytest.approx(asi.loc[(axon_class, trace.name), "asi_median"])

    # Degree distributions: (synapses, how many axons) per axon class.
    axon_degree = oracle.axon_degree(src)
    for trace in figures["degree"].data:
        if trace.xaxis != "x":
            continue
        part = axon_degree[axon_degree["axon_class"] == trace.name]
        want = part["synapses"].value_counts().sort_index()
        assert list(trace.x) == list(want.index) and list(trace.y) == list(want.to_numpy())

    # Multiplicity histogram per axon class.
    pairs = oracle.connections(src)
    bars = [t for t in figures["multiplicity"].data if t.type == "bar"]
    assert sum(int(np.sum(t.y)) for t in bars) == len(pairs)
    for trace in bars:
        want = pairs[pairs["axon_class"] == trace.name]["synapses"].value_counts().sort_index()
        assert list(trace.x) == list(want.index) and list(trace.y) == list(want.to_numpy())

    # ASI similarity: observed and random medians per class pair.
    cv = oracle.asi_pair_cv(src)
    assert cv["pairs"].sum() > 0
    observed, control = figures["asi-cv"].data[1], figures["asi-cv"].data[2]
    assert len(observed.x) == int((cv["pairs"] > 0).sum())
    want = cv.set_index(["axon_class", "target_class"])
    for label, x_obs, x_rnd in zip(observed.y, observed.x, control.x, strict=True):
        axon_class, rest = label.split(" → ")
        target_class = rest.rsplit(" (n=", 1)[0]
        assert x_obs == pytest.approx(want.loc[(axon_class, target_class), "cv_median"])
        assert x_rnd == pytest.approx(want.loc[(axon_class, target_class), "random_cv_median"])


def test_report_command(loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "cli" / "report.html"
    runner = CliRunner()
    args = ["report", "--home", str(tmp_path / "home"), "--postgres-url", loaded, "--quiet"]
    result = runner.invoke(main, [*args, "--dataset", DATASET, str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out.resolve())
    text = out.read_text(encoding="utf-8")
    assert f"<meta name='connectomedb-figures' content='{FIGURES}'>" in text
    assert "<script src=" not in text and "<link " not in text  # everything inline

    # The only loaded dataset is the default.
    result = runner.invoke(main, [*args, str(tmp_path / "default.html")])
    assert result.exit_code == 0, result.output

    # The library takes a SQLAlchemy engine as well as a psycopg connection or a URL.
    engine = sqlalchemy.create_engine(sqlalchemy_url(loaded))
    try:
        page = build_report(engine, DATASET, tmp_path / "engine.html").read_text(encoding="utf-8")
    finally:
        engine.dispose()
    assert page.count("class='figure'") == FIGURES

    result = runner.invoke(main, [*args, "--dataset", "nope", str(tmp_path / "x.html")])
    assert result.exit_code != 0
    assert "no dataset named 'nope' is loaded (loaded: demo)" in result.output
    assert not (tmp_path / "x.html").exists()
