"""The Superset dashboard bundle (bi/superset): its files in Superset's import format (v1:
metadata.yaml, databases/, datasets/, charts/, dashboards/ under one root folder), every
cross-reference resolved by UUID, the dataset matching the view ``bi.class_matrix``, and the
password only from the environment. Importing it into a real Superset is
``bench/superset_check.py``."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

from connectomedb.stores.views import BI_VIEWS

BUNDLE = Path(__file__).resolve().parents[1] / "bi" / "superset"


def _module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("superset_bundle", BUNDLE / "bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _built(tmp_path: Path, password: str) -> dict[str, dict]:
    out = tmp_path / "dash.zip"
    _module().build(out, "db.example", 5433, "superset", "connectomedb", password)
    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
        assert all(n.startswith("connectomedb_dashboard/") for n in names)
        return {n.split("/", 1)[1]: yaml.safe_load(bundle.read(n)) for n in names}


def test_bundle_is_a_consistent_superset_export(tmp_path: Path) -> None:
    files = _built(tmp_path, 'pa:ss"w@rd/')
    assert files["metadata.yaml"]["type"] == "Dashboard"
    assert files["metadata.yaml"]["version"] == "1.0.0"
    kinds = {name.split("/")[0] for name in files if "/" in name}
    assert kinds == {"databases", "datasets", "charts", "dashboards"}

    (database,) = [v for k, v in files.items() if k.startswith("databases/")]
    assert database["sqlalchemy_uri"] == (
        "postgresql+psycopg2://superset:XXXXXXXXXX@db.example:5433/connectomedb"
    )
    assert database["password"] == 'pa:ss"w@rd/'
    assert not database["allow_dml"] and not database["allow_ctas"]

    (dataset,) = [v for k, v in files.items() if k.startswith("datasets/")]
    assert dataset["database_uuid"] == database["uuid"]
    assert (dataset["schema"], dataset["table_name"]) == ("bi", "class_matrix")
    assert [c["column_name"] for c in dataset["columns"]] == list(BI_VIEWS["class_matrix"])
    metrics = {m["metric_name"]: m for m in dataset["metrics"]}
    assert metrics["sum_synapses"]["expression"] == "SUM(synapses)"
    columns = {c["column_name"] for c in dataset["columns"]}

    charts = {v["uuid"]: v for k, v in files.items() if k.startswith("charts/")}
    viz = {c["viz_type"] for c in charts.values()}
    assert "heatmap_v2" in viz
    for chart in charts.values():
        assert chart["dataset_uuid"] == dataset["uuid"]
        params = chart["params"]
        used = [params.get("x_axis"), params.get("groupby")]
        used = [c for u in used for c in (u if isinstance(u, list) else [u]) if c]
        assert set(used) <= columns, chart["slice_name"]
        for metric in [params.get("metric"), *params.get("metrics", [])]:
            assert metric is None or metric in metrics, chart["slice_name"]
    heatmap = next(c for c in charts.values() if c["viz_type"] == "heatmap_v2")
    assert heatmap["params"]["metric"] == "sum_synapses"

    (dashboard,) = [v for k, v in files.items() if k.startswith("dashboards/")]
    placed = {
        v["meta"]["uuid"]
        for v in dashboard["position"].values()
        if isinstance(v, dict) and v.get("type") == "CHART"
    }
    assert placed == set(charts)
    for node_id, node in dashboard["position"].items():
        if isinstance(node, dict):
            for child in node.get("children", []):
                assert child in dashboard["position"], (node_id, child)
    (dataset_filter,) = dashboard["metadata"]["native_filter_configuration"]
    assert dataset_filter["filterType"] == "filter_select"
    assert dataset_filter["targets"] == [
        {"datasetUuid": dataset["uuid"], "column": {"name": "dataset_name"}}
    ]
    assert dataset_filter["controlValues"]["multiSelect"] is False


def test_bundle_takes_the_password_from_the_environment_only(tmp_path: Path) -> None:
    script = str(BUNDLE / "bundle.py")
    out = tmp_path / "d.zip"
    missing = subprocess.run(
        [sys.executable, script, "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert missing.returncode == 2 and not out.exists()
    assert "CONNECTOMEDB_READER_PASSWORD" in missing.stderr
    made = subprocess.run(
        [sys.executable, script, "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "CONNECTOMEDB_READER_PASSWORD": "S3cret-x"},
    )
    assert made.returncode == 0, made.stderr
    assert "S3cret-x" not in made.stdout + made.stderr
    assert out.exists()
