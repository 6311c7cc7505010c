"""Alembic hygiene: one head, linear history, no drift between the models and the migrations."""

from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from support.datasets import make_source
from support.warehouse import fetch_rows

from connectomedb.etl.load.postgres import load_dataset
from connectomedb.stores.postgres import (
    alembic_config,
    current_revision,
    head_revision,
    migrations_dir,
    upgrade,
)


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("postgresql://localhost/unused"))


def test_single_head_and_linear_history() -> None:
    script = _script()
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    roots = [r for r in revisions if r.down_revision is None]
    assert len(roots) == 1
    for rev in revisions:
        assert not isinstance(rev.down_revision, (tuple, list)), f"merge revision {rev.revision}"
        assert not rev.branch_labels
    assert script.get_current_head() == head_revision()


def test_migrations_do_not_inspect_the_schema() -> None:
    for path in (migrations_dir() / "versions").glob("*.py"):
        text = path.read_text()
        assert not re.search(r"\binspect\(|get_bind\(|has_table|Inspector", text), path.name


#: The functions of the schema public (Alembic's check compares tables, not functions).
_FUNCTIONS = (
    "select p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
    " where n.nspname = 'public' order by p.proname"
)


def test_upgrade_check_downgrade_upgrade(fresh_db_url: str) -> None:
    assert current_revision(fresh_db_url) is None
    before, after = upgrade(fresh_db_url)
    assert (before, after) == (None, head_revision())
    command.check(alembic_config(fresh_db_url))  # raises when the models and the database differ
    assert fetch_rows(fresh_db_url, _FUNCTIONS) == [("tracing_overlaps",)]
    command.downgrade(alembic_config(fresh_db_url), "0017")
    assert fetch_rows(fresh_db_url, _FUNCTIONS) == []
    command.downgrade(alembic_config(fresh_db_url), "base")
    left = fetch_rows(
        fresh_db_url,
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname in ('public', 'connectomedb_partitions') and c.relkind in ('r', 'p')"
        " and c.relname <> 'alembic_version'",
    )
    assert left == [(0,)]
    upgrade(fresh_db_url)
    assert current_revision(fresh_db_url) == head_revision()


def test_check_stays_clean_with_loaded_partitions(fresh_db_url: str) -> None:
    upgrade(fresh_db_url)
    load_dataset(fresh_db_url, make_source(0), "a")
    command.check(alembic_config(fresh_db_url))


def test_migrations_ship_inside_the_package() -> None:
    import connectomedb

    packaged = Path(connectomedb.__file__).parent / "migrations"
    assert (packaged / "env.py").read_text() == (migrations_dir() / "env.py").read_text()
    assert sorted(p.name for p in (packaged / "versions").glob("*.py")) == sorted(
        p.name for p in (migrations_dir() / "versions").glob("*.py")
    )
