"""The graph and PostgreSQL hold the same dataset: every node and relationship count of the
graph equals a count computed with SQL from the PostgreSQL tables (both loaded by the
pipeline)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from support.datasets import handmade_source

from connectomedb.config import Settings
from connectomedb.etl.extract import read_dataset
from connectomedb.etl.pipeline import run_load
from connectomedb.stores.graph import open_graph_store
from connectomedb.synth import generate, write

MEMBERSHIP = (
    "axon_segment",
    "target_segment",
    "spine_head_segment",
    "synapse_pre_segment",
    "synapse_post_segment",
)

#: Axon pairs per shared target (``p``: a, b, target_id, target class name), from the base
#: tables (the derived tables are not used).
_AXON_PAIRS = """
        with c as (select distinct s.axon_id, s.target_id, t.class_code
                   from synapse s join target t
                     on t.dataset_id = s.dataset_id and t.target_id = s.target_id
                   where s.dataset_id = %(ds)s and s.axon_id is not null),
        p as (select x.axon_id a, y.axon_id b, x.target_id, tc.name
              from c x join c y on y.target_id = x.target_id and y.axon_id > x.axon_id
              join target_class tc on tc.dataset_id = %(ds)s and tc.code = x.class_code)
"""

#: Graph label / relationship type -> SQL counting the same thing (``%(ds)s``: dataset_id).
SQL = {
    "Dataset": "select count(*) from dataset where dataset_id = %(ds)s",
    "Segment": "select count(*) from ("
    + " union ".join(
        f"select segment_id from {t} where dataset_id = %(ds)s and segment_id <> 0"
        for t in MEMBERSHIP
    )
    + ") s",
    "Axon": "select count(*) from axon where dataset_id = %(ds)s",
    "Target": "select count(*) from target where dataset_id = %(ds)s",
    "Neuron": "select count(*) from neuron where dataset_id = %(ds)s",
    "SpineHead": "select count(*) from spine_head where dataset_id = %(ds)s",
    "Synapse": "select count(*) from synapse where dataset_id = %(ds)s",
    "AxonClass": "select count(distinct name) from axon_class where dataset_id = %(ds)s",
    "TargetClass": "select count(distinct name) from target_class where dataset_id = %(ds)s",
    "PRE": "select count(*) from synapse_pre_segment where dataset_id = %(ds)s and segment_id <> 0",
    "POST": "select count(*) from synapse_post_segment "
    "where dataset_id = %(ds)s and segment_id <> 0",
    "MAKES": "select count(axon_id) from synapse where dataset_id = %(ds)s",
    "ONTO": "select count(target_id) from synapse where dataset_id = %(ds)s",
    "ON_SPINE": "select count(spine_head_id) from synapse where dataset_id = %(ds)s",
    "OF_NEURON": "select count(neuron_id) from target where dataset_id = %(ds)s",
    "HAS_SEGMENT": "select "
    + " + ".join(
        f"(select count(*) from {t} where dataset_id = %(ds)s and segment_id <> 0)"
        for t in MEMBERSHIP[:3]
    ),
    "IN_CLASS": "select (select count(*) from axon where dataset_id = %(ds)s) "
    "+ (select count(*) from target where dataset_id = %(ds)s)",
    "CONNECTS_TO": "select count(*) from (select distinct axon_id, target_id from synapse "
    "where dataset_id = %(ds)s and axon_id is not null and target_id is not null) c",
    "CLASS_CONNECTS_TO": """
        select count(*) from (
          select distinct ac.name, tc.name
          from synapse s
          join axon a on a.dataset_id = s.dataset_id and a.axon_id = s.axon_id
          join target t on t.dataset_id = s.dataset_id and t.target_id = s.target_id
          join axon_class ac on ac.dataset_id = a.dataset_id and ac.code = a.class_code
          join target_class tc on tc.dataset_id = t.dataset_id and tc.code = t.class_code
          where s.dataset_id = %(ds)s) c""",
    # The derived structure, counted on the base tables (the derived tables are not used).
    "SHARES_TARGETS": _AXON_PAIRS
    + """
        select (select count(*) from (select 1 from p group by a, b having count(*) >= 2) q)
             + (select count(*) from (select 1 from p group by name, a, b
                                      having count(*) >= 2) q)""",
    "BIFAN": _AXON_PAIRS
    + """
        select coalesce((select sum(n * (n - 1) / 2) from (select count(*) n from p
                                                          group by a, b) q), 0)
             + coalesce((select sum(n * (n - 1) / 2) from (select count(*) n from p
                                                          group by name, a, b) q), 0)""",
    "CLASS_SYNAPSES": """
        with k as (
          select ac.name a, tc.name t, st.name ty
          from synapse s
          join axon a on a.dataset_id = s.dataset_id and a.axon_id = s.axon_id
          join target t on t.dataset_id = s.dataset_id and t.target_id = s.target_id
          join axon_class ac on ac.dataset_id = a.dataset_id and ac.code = a.class_code
          join target_class tc on tc.dataset_id = t.dataset_id and tc.code = t.class_code
          join synapse_type st on st.dataset_id = s.dataset_id and st.code = s.type_code
          where s.dataset_id = %(ds)s)
        select (select count(*) from (select distinct a, t, ty from k) q)
             + (select count(*) from (select distinct a, t from k) q)""",
    "MotifHistogram": "select count(*) from motif_histogram where dataset_id = %(ds)s",
    # The class aggregates (connectomedb.etl.class_stats), as their tables hold them.
    "AxonFraction": "select count(*) from class_axon_fraction where dataset_id = %(ds)s",
    "AxonDivergence": "select count(*) from axon_divergence where dataset_id = %(ds)s",
    "TargetConvergence": "select count(*) from target_convergence where dataset_id = %(ds)s",
    "CLASS_MULTIPLICITY": "select count(*) from class_multiplicity_stat where dataset_id = %(ds)s",
    "NeuriteClassStat": "select count(*) from neurite_class_stat where dataset_id = %(ds)s",
    "ClassSpecificity": "select count(*) from class_specificity where dataset_id = %(ds)s",
    "ClassSpecificityTarget": """
        select count(*) from class_specificity_target where dataset_id = %(ds)s""",
    "CLASS_DEGREE_CELL": "select count(*) from class_degree_cell where dataset_id = %(ds)s",
    "CLASS_PAIR_CV": "select count(*) from class_pair_cv where dataset_id = %(ds)s",
    "NEURON_INPUT": """
        select count(*) from bi_neuron_inputs b
        join dataset d on d.name = b.dataset where d.dataset_id = %(ds)s""",
}


def sql_counts(url: str, name: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        ds = conn.execute("select dataset_id from dataset where name = %s", (name,)).fetchone()
        assert ds is not None
        return {k: int(conn.execute(q, {"ds": ds[0]}).fetchone()[0]) for k, q in SQL.items()}


@pytest.fixture(scope="module")
def tiny_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(generate("tiny", seed=0), tmp_path_factory.mktemp("synth") / "tiny")


@pytest.mark.parametrize("kind", ["tiny", "handmade"])
def test_graph_counts_equal_postgres_counts(
    fresh_db_url: str, tmp_path: Path, tiny_folder: Path, kind: str
) -> None:
    # With the graph's segment layer: its counts are compared with PostgreSQL's too.
    settings = Settings(home=tmp_path / "home", postgres_url=fresh_db_url, graph_segments=True)
    if kind == "tiny":
        source = read_dataset(tiny_folder)
        run_load(settings, tiny_folder, dataset="ds", source=source)
    else:
        source = handmade_source(seed=6, n_synapses=150)
        run_load(settings, source.folder, dataset="ds", source=source)
    with open_graph_store(settings) as store:
        graph = store.counts("ds")
    assert graph == sql_counts(fresh_db_url, "ds")
