"""What the tests share; a test module imports only these public names, never from another
test module.

* :mod:`support.datasets`: the datasets, built by code (``make_source``, ``handmade_source``,
  ``synth_source``, ``with_fake_files``, ``valid_dataset``; ``code_table``, ``fake_files``;
  the published code tables ``AXON_CLASSES``..., the files of a folder ``SYNTH_FILES``);
* :mod:`support.servers`: ``fresh_database``, ``with_database``, ``free_port``,
  ``assert_reader_cannot_write``, ``remove_server``;
* :mod:`support.stores`: datasets loaded into both stores (``side_by_side``, ``load_both``,
  ``Loaded``), ``load_graph``, ``query_frame``, ``as_login``;
* :mod:`support.frames`: "the engines agree" (``rows_of``, ``assert_same``);
* :mod:`support.cli`: ``cli_runner``/``invoke_ok`` (in process), ``info_graph_rows`` (the
  graph's datasets ``info`` printed), ``run_cli``/``run_cli_as``/
  ``cli_env``/``CLI`` (the real program), ``run_load``/``load_args`` (a quiet load),
  ``run_grant_reader``, ``server_user_home`` (for permission tests);
* :mod:`support.oracle`: the query library's answers with pandas (``answer``, ``frames``);
  :mod:`support.graph_oracle`, :mod:`support.report_oracle`, :mod:`support.motifs` (also the
  ``motif_loaded`` fixture and the motif ``CASES``): the other oracles;
* :mod:`support.warehouse`: a loaded dataset read back and compared (``assert_dataset_equals``,
  ``expected_tables``, ``snapshot``, ``read_frame``, ``fetch_rows``, ``read_table``,
  ``dataset_id``);
* :mod:`support.badinput`: the bad-input corpus (``CASES``, ``CASES2``, ``build_case``, ...);
  :mod:`support.fingerprints`: what a failed load must leave alone; :mod:`support.reliability`:
  the ``valid_tiny_folder`` and ``older_l4_stores`` fixtures, ``database_holding``,
  ``load_over``, ``assert_refused``, ``assert_untouched``, ``assert_as_loaded``;
* :mod:`support.neo4j`: the live Neo4j tests' marks, settings and clean-up (``NEEDS_NEO4J``,
  the ``neo4j_settings`` and ``neo4j_dataset_name`` fixtures);
* :mod:`support.tracings`, :mod:`support.volumes`, :mod:`support.extract_files`,
  :mod:`support.cypher_lint`, :mod:`support.browser` (the report checked in headless
  Chromium): the set-ups of their test modules.

The fixtures several modules use are registered in ``tests/conftest.py``.
"""
