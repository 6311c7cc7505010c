"""The embedded PostgreSQL default: started on first use, kept between commands, stopped on
request, data persisting in the home folder."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from support.datasets import make_source

from connectomedb.cli import main
from connectomedb.config import Settings
from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import (
    EMBEDDED_DATABASE,
    current_revision,
    embedded_running_url,
    head_revision,
    resolve,
    stop_embedded,
)


@pytest.mark.slow
def test_embedded_server_lifecycle(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    assert embedded_running_url(settings) is None
    try:
        target = resolve(settings)
        assert target.embedded
        assert f"/{EMBEDDED_DATABASE}?host=" in target.url
        assert current_revision(target.url) == head_revision()
        assert (settings.embedded_postgres_dir / "PG_VERSION").exists()
        load_dataset(target.url, make_source(0), "kept")
        # a second command finds the running server
        assert resolve(settings).url == target.url == embedded_running_url(settings)
        stop = CliRunner().invoke(main, ["db", "stop", "--home", str(settings.home)])
        assert stop.exit_code == 0 and "Stopped the embedded PostgreSQL" in stop.output
        assert embedded_running_url(settings) is None
        again = CliRunner().invoke(main, ["db", "stop", "--home", str(settings.home)])
        assert "is not running" in again.output
        # the next use starts it again, with the data still there
        target = resolve(settings)
        with psycopg.connect(target.url) as conn:
            names = conn.execute("select name from dataset").fetchall()
            synapses = conn.execute("select count(*) from synapse").fetchone()
        assert names == [("kept",)] and synapses == (make_source(0).synapses.n,)
        info = CliRunner().invoke(main, ["info", "--home", str(settings.home)])
        assert info.exit_code == 0, info.output
        assert "embedded PostgreSQL in" in info.output and "kept" in info.output
        assert 'psql "postgresql://postgres@/connectomedb?host=' in info.output
    finally:
        stop_embedded(settings)
