"""The wheel: built from the sources, it holds every migration (as files, no symlink), and
``connectomedb db upgrade`` run from it brings a new database to the head revision."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import psycopg
import pytest

import connectomedb
from connectomedb.stores.postgres import head_revision

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = Path(connectomedb.__file__).parent / "migrations"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources (the build leaves nothing in the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "connectomedb",
        source / "connectomedb",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    out = tmp / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("connectomedb-*.whl")
    return wheel


def test_the_wheel_holds_every_migration_and_no_symlink(wheel_file: Path) -> None:
    with zipfile.ZipFile(wheel_file) as wheel:
        entries = wheel.infolist()
    names = {e.filename for e in entries}
    expected = {
        "connectomedb/" + p.relative_to(MIGRATIONS.parent).as_posix()
        for p in MIGRATIONS.rglob("*")
        if p.is_file() and p.suffix in (".py", ".mako")
    }
    assert expected, "no migration files in the source tree"
    assert "connectomedb/migrations/env.py" in expected
    assert expected <= names, sorted(expected - names)
    links = [e.filename for e in entries if stat.S_ISLNK(e.external_attr >> 16)]
    assert links == []


def test_db_upgrade_from_the_installed_wheel(
    wheel_file: Path, tmp_path: Path, fresh_embedded_db_url: str
) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel_file),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    database = fresh_embedded_db_url
    code = (
        "import sys, connectomedb; print(connectomedb.__file__, file=sys.stderr); "
        "from connectomedb.cli import main; main()"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "db", "upgrade", "-q", "--postgres-url", database],
        env=env,
        cwd=tmp_path,  # not the checkout, whose connectomedb/ would come first
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert str(target) in run.stderr.splitlines()[0]
    with psycopg.connect(fresh_embedded_db_url) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row is not None and row[0] == head_revision()
