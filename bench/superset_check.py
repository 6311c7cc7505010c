"""Import connectomedb's Superset dashboard into a real Superset and chart from it.

    python -m bench.superset_check [--superset /opt/superset-venv/bin/superset]

Needs a separate Superset installation (its dependencies clash with connectomedb's), e.g.::

    python3 -m venv /opt/superset-venv
    /opt/superset-venv/bin/pip install apache-superset==6.1.0 rich cachetools \\
        flask-caching==2.3.1 psycopg2-binary

Steps, each printed with its time: a tiny synthetic dataset loaded into a fresh embedded
PostgreSQL; ``db serve`` on a free port; ``db grant-reader superset`` (password from the
environment); the bundle of ``bi/superset`` built for that server; a fresh Superset (SQLite
metadata in a temporary folder): ``db upgrade``, ``fab create-admin``, ``init``,
``import-dashboards``; then, inside Superset: the imported database connects as the reader,
the dataset's columns are synced from ``bi.class_matrix``, the heatmap's query (SUM(synapses)
by axon class and target class, one dataset) runs through Superset's own query engine and
equals the class matrix of the source, and the dashboard's dataset filter points at the
imported dataset. Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("connectomedb"))

#: Runs inside Superset's Python: argv = bundle uuids file, expected JSON file.
INSIDE = r"""
import json, sys
from superset.app import create_app
app = create_app()
with app.app_context():
    from superset import db
    from superset.connectors.sqla.models import SqlaTable
    from superset.models.core import Database
    from superset.models.dashboard import Dashboard
    from superset.models.slice import Slice
    ids = json.load(open(sys.argv[1]))
    expected = json.load(open(sys.argv[2]))
    database = db.session.query(Database).filter_by(uuid=ids["database"]).one()
    with database.get_sqla_engine() as engine, engine.connect() as conn:
        user = conn.exec_driver_sql("SELECT current_user").scalar()
    print("database connects as", user)
    assert user == expected["login"], user
    dataset = db.session.query(SqlaTable).filter_by(uuid=ids["dataset"]).one()
    dataset.fetch_metadata()
    columns = [c.column_name for c in dataset.columns]
    print("dataset", dataset.schema + "." + dataset.table_name, "columns", columns)
    assert set(expected["columns"]) <= set(columns), columns
    assert "sum_synapses" in [m.metric_name for m in dataset.metrics]
    heatmap = db.session.query(Slice).filter_by(uuid=ids["heatmap"]).one()
    params = json.loads(heatmap.params)
    result = dataset.query({
        "groupby": [params["groupby"], params["x_axis"]],
        "metrics": [params["metric"]],
        "filter": [{"col": "dataset_name", "op": "==", "val": expected["dataset"]}],
        "is_timeseries": False, "row_limit": 10000, "granularity": None,
        "from_dttm": None, "to_dttm": None, "extras": {},
    })
    assert not result.error_message, result.error_message
    frame = result.df
    cells = {f"{r[0]}|{r[1]}": int(r[2]) for r in frame.itertuples(index=False)}
    print("heatmap cells", len(cells), "synapses", sum(cells.values()))
    nonzero = {k: v for k, v in cells.items() if v}
    assert nonzero == expected["cells"], (nonzero, expected["cells"])
    assert len(cells) == expected["n_cells"], len(cells)
    dashboard = db.session.query(Dashboard).filter_by(uuid=ids["dashboard"]).one()
    meta = json.loads(dashboard.json_metadata)
    (flt,) = meta["native_filter_configuration"]
    assert flt["targets"][0]["datasetId"] == dataset.id, flt
    assert {s.uuid for s in dashboard.slices} >= {heatmap.uuid}
    print("dashboard", dashboard.dashboard_title, "charts", len(dashboard.slices),
          "filter on", flt["targets"][0]["column"]["name"])
    print("SUPERSET CHECK OK")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(
    label: str, args: list[str], env: dict[str, str] | None = None, timeout: float = 1800
) -> str:
    started = time.perf_counter()
    result = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    print(f"{label}: exit {result.returncode} in {time.perf_counter() - started:.1f} s", flush=True)
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"{label} failed")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--superset", default="/opt/superset-venv/bin/superset")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    superset = Path(args.superset)
    if not superset.exists():
        raise SystemExit(f"no Superset at {superset}: see the installation in this file.")

    sys.path.insert(0, str(ROOT / "bi" / "superset"))
    sys.path.insert(0, str(ROOT / "tests"))
    import bundle  # bi/superset/bundle.py
    import oracle

    from connectomedb.etl.extract import read_dataset

    work = Path(tempfile.mkdtemp(prefix="cdb-superset-"))
    work.chmod(0o755)
    home = str(work / "home")
    port = _free_port()
    password = secrets.token_urlsafe(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTOMEDB_")}
    try:
        data = work / "tiny"
        _run("synth tiny", [CLI, "synth", str(data), "--scale", "tiny"], env)
        _run(
            "load",
            [CLI, "load", str(data), "--dataset", "tiny", "--no-graph", "-q", "--home", home],
            env,
        )
        _run("db serve", [CLI, "db", "serve", "--port", str(port), "--home", home], env)
        printed = _run(
            "db grant-reader",
            [CLI, "db", "grant-reader", "superset", "--home", home],
            {**env, "CONNECTOMEDB_READER_PASSWORD": password},
        )
        assert password not in printed
        out = work / "connectomedb_dashboard.zip"
        bundle.build(out, "127.0.0.1", port, "superset", "connectomedb", password)

        config = work / "superset_config.py"
        config.write_text(
            f"SECRET_KEY = {secrets.token_urlsafe(32)!r}\n"
            f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{work / 'superset.db'}'\n"
            "WTF_CSRF_ENABLED = False\n",
            encoding="utf-8",
        )
        senv = {
            **env,
            "SUPERSET_CONFIG_PATH": str(config),
            "SUPERSET_HOME": str(work),
            "FLASK_APP": "superset.app:create_app()",
        }
        _run("superset db upgrade", [str(superset), "db", "upgrade"], senv)
        _run(
            "superset fab create-admin",
            [
                str(superset),
                "fab",
                "create-admin",
                "--username",
                "admin",
                "--firstname",
                "A",
                "--lastname",
                "B",
                "--email",
                "admin@localhost",
                "--password",
                secrets.token_urlsafe(12),
            ],
            senv,
        )
        _run("superset init", [str(superset), "init"], senv)
        _run(
            "superset import-dashboards",
            [str(superset), "import-dashboards", "--path", str(out), "--username", "admin"],
            senv,
        )

        folder = ROOT / "bi" / "superset" / "connectomedb"
        import yaml

        def uuid_of(pattern: str) -> str:
            (path,) = folder.glob(pattern)
            return str(yaml.safe_load(path.read_text())["uuid"])

        ids = {
            "database": uuid_of("databases/*.yaml"),
            "dataset": uuid_of("datasets/*/*.yaml"),
            "heatmap": uuid_of("charts/*heatmap*.yaml"),
            "dashboard": uuid_of("dashboards/*.yaml"),
        }
        source = read_dataset(data)
        matrix = oracle.answer("class_matrix", source)
        f = oracle.frames(source)
        axon_names = set(source.axons.classes.frame["name"]) | set(f.axons.axon_class)
        target_names = set(source.targets.classes.frame["name"]) | set(f.targets.target_class)
        expected = {
            "login": "superset",
            "dataset": "tiny",
            "columns": ["dataset_name", "axon_class", "target_class", "synapses"],
            "cells": {
                f"{r.axon_class}|{r.target_class}": int(r.synapses) for r in matrix.itertuples()
            },
            "n_cells": len(axon_names) * len(target_names),
        }
        (work / "ids.json").write_text(json.dumps(ids))
        (work / "expected.json").write_text(json.dumps(expected))
        script = work / "inside.py"
        script.write_text(INSIDE)
        python = str(superset.with_name("python"))
        print(
            _run(
                "checks inside Superset",
                [python, str(script), str(work / "ids.json"), str(work / "expected.json")],
                senv,
            )
        )
    finally:
        subprocess.run([CLI, "db", "stop", "--home", home], capture_output=True, env=env)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
