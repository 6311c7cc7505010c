"""The views of PostgreSQL (migrations 0002-0004), their refresh after a load, and the
read-only role of BI tools.

============================  ====================================================================
view                          columns
============================  ====================================================================
``bi_synapse``                dataset, synapse_id, synapse_type, axon_id, axon_class, target_id,
                              target_class, neuron_id, spine_head_id, asi_area, syn_x, syn_y,
                              syn_z, in_connectome (plain view: always current)
``bi_class_matrix``           dataset, axon_class, target_class, synapses, connections, axons,
                              targets, fraction (of the axon class's synapses)
``bi_axon_summary``           dataset, axon_id, axon_class, synapses, targets, neurons,
                              path_length_um, synapses_per_um, asi_area_mean
``bi_target_summary``         dataset, target_id, target_class, neuron_id, synapses, axons,
                              path_length_um, synapses_per_um, asi_area_mean
``bi_neuron_inputs``          dataset, neuron_id, axon_class, synapses, targets, axons, fraction
============================  ====================================================================

Every count follows docs/model.md (connectome synapses; classes as read from the files).
``bi_synapse`` reads the data tables; the others read the rows each load writes for its own
dataset (``bi_*_data``, migration 0011), with the dataset's current name joined. So does
``connectome_synapse`` (not a BI view: a table with dataset_id and codes, no dataset name), the
connectome synapses with their classes that the per-class statistics read. Nothing needs a
refresh after a load; :func:`refresh_views` gathers the planner statistics of the tables.
"""

from __future__ import annotations

import re
from typing import Any

from connectomedb.errors import ConfigError, DatabaseError
from connectomedb.stores.sql import execute

#: The role BI tools' logins are members of: SELECT on the views of :data:`BI_SCHEMA` only.
READER_ROLE = "connectomedb_reader"
#: The schema of the views BI tools chart (migration 0004), the only one the reader sees.
BI_SCHEMA = "bi"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


#: Views, each with its documented columns.
VIEWS: dict[str, tuple[str, ...]] = {
    "bi_synapse": _words(
        "dataset synapse_id synapse_type axon_id axon_class target_id target_class neuron_id"
        " spine_head_id asi_area syn_x syn_y syn_z in_connectome"
    ),
    "bi_class_matrix": _words(
        "dataset axon_class target_class synapses connections axons targets fraction"
    ),
    "bi_axon_summary": _words(
        "dataset axon_id axon_class synapses targets neurons path_length_um synapses_per_um"
        " asi_area_mean"
    ),
    "bi_target_summary": _words(
        "dataset target_id target_class neuron_id synapses axons path_length_um synapses_per_um"
        " asi_area_mean"
    ),
    "bi_neuron_inputs": _words("dataset neuron_id axon_class synapses targets axons fraction"),
}


def _charted(view: str, *extra: str) -> tuple[str, ...]:
    """The columns of the view of :data:`BI_SCHEMA` over the view ``view`` (migration
    0004): ``dataset_name`` for ``dataset``, a sort-order column after each class, then
    ``extra`` and ``loaded_at``."""
    out: list[str] = []
    for column in VIEWS[view]:
        out.append("dataset_name" if column == "dataset" else column)
        if column in ("axon_class", "target_class"):
            out.append(f"{column}_order")
    return (*out, *extra, "loaded_at")


#: Views of :data:`BI_SCHEMA` with their columns (docs/queries.md describes each one; the
#: database has the same text as COMMENTs).
BI_VIEWS: dict[str, tuple[str, ...]] = {
    "datasets": _words("dataset_name loaded_at loader_version source synapses axons targets"),
    "axon_classes": ("dataset_name", "axon_class", "axon_class_order", "loaded_at"),
    "target_classes": ("dataset_name", "target_class", "target_class_order", "loaded_at"),
    "class_matrix": _charted("bi_class_matrix"),
    "synapses": _charted("bi_synapse", "synapses"),
    "axon_summary": _charted("bi_axon_summary"),
    "target_summary": _charted("bi_target_summary"),
    "neuron_inputs": _charted("bi_neuron_inputs"),
}

#: Materialized views refreshed by :func:`refresh_views`: none since migration 0011 (the load
#: writes the rows of ``connectome_synapse`` and of the BI views for its dataset).
MATERIALIZED: tuple[str, ...] = ()

#: The views and tables each load writes for its own dataset (migration 0011): they were
#: materialized views before, and need no refresh.
WRITTEN_BY_LOAD = (
    "connectome_synapse",
    "bi_class_matrix",
    "bi_axon_summary",
    "bi_target_summary",
    "bi_neuron_inputs",
)

#: Partitioned tables the queries and views join. PostgreSQL plans a join over a partitioned
#: table with the parent's own statistics, which autovacuum never gathers; without them a
#: join of synapse, axon and target is estimated hundreds of times too large and planned as a
#: cross product (minutes instead of a fraction of a second at full scale).
ANALYZED = (
    "dataset",
    "axon_class",
    "target_class",
    "synapse_type",
    "axon",
    "target",
    "synapse",
    "class_connectome",
    "connectome_synapse",
    "bi_class_matrix_data",
    "bi_axon_summary_data",
    "bi_target_summary_data",
    "bi_neuron_inputs_data",
)


def _names(names: Any) -> Any:
    from psycopg import sql

    return sql.SQL(", ").join(sql.Identifier("public", name) for name in names)


def _present(conn: Any, names: tuple[str, ...]) -> list[str]:
    """The tables of ``names`` this database's schema has (an older one lacks some)."""
    rows = execute(
        conn,
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relname = ANY(%(names)s)",
        {"names": list(names)},
    )
    found = {name for (name,) in rows}
    return [name for name in names if name in found]


#: The first PostgreSQL version (``server_version_num``) whose ``ANALYZE ONLY`` of a partitioned
#: table gathers the parent's statistics without analyzing its partitions again.
ONLY_SINCE = 180000


def _server_version(conn: Any) -> int:
    return int(execute(conn, "SELECT current_setting('server_version_num')::int")[0][0])


def analyzed_with_parents(conn: Any) -> frozenset[str]:
    """The tables whose partitions :func:`refresh_views` analyzes as well, even with
    ``partitions=False``: those of :data:`ANALYZED` on a server older than
    :data:`ONLY_SINCE`, none on a newer one."""
    return frozenset() if _server_version(conn) >= ONLY_SINCE else frozenset(ANALYZED)


def _parents_statement(conn: Any, names: list[str], partitions: bool) -> Any:
    """``ANALYZE`` of the tables ``names``. Of a partitioned table, ``ANALYZE`` also analyzes
    every partition again; ``partitions=False`` asks for the parent's own statistics only
    (``ONLY``, PostgreSQL 18 and later: an older server analyzes the partitions anyway)."""
    from psycopg import sql

    if partitions or _server_version(conn) < ONLY_SINCE:
        return sql.SQL("ANALYZE {}").format(_names(names))
    only = sql.SQL(", ").join(sql.SQL("ONLY {}").format(sql.Identifier("public", n)) for n in names)
    return sql.SQL("ANALYZE {}").format(only)


def refresh_views(conn: Any, *, in_transaction: bool = False, partitions: bool = True) -> list[str]:
    """Gather the planner statistics of the partitioned tables the queries join
    (:data:`ANALYZED`: PostgreSQL plans a join over a partitioned table with the parent's
    statistics, which neither ``ANALYZE`` of a partition nor autovacuum gathers), refresh
    every materialized view of :data:`MATERIALIZED` the database has, and gather their
    statistics too. Returns the refreshed view names; a database whose schema predates a view
    gets none refreshed.

    ``partitions=False``: the partitions' own statistics are current (a load analyzes those it
    writes), so only the parents' are gathered where the server can (:data:`ONLY_SINCE`);
    this halves the work.

    A view that holds rows is refreshed ``CONCURRENTLY`` (readers keep its previous contents
    until the commit); one never populated yet cannot be, and is filled plainly.

    ``conn``: a psycopg connection or a SQLAlchemy Connection. By default the refresh is its
    own transaction: committed here, or rolled back and reported as
    :class:`~connectomedb.errors.DatabaseError`. ``in_transaction=True`` makes it part of the
    caller's open transaction (a load's, so the views change together with the data): nothing
    is committed here and an error propagates as it is.
    """
    from psycopg import sql

    view = "(statistics)"
    try:
        rows = execute(
            conn,
            sql.SQL("SELECT matviewname, ispopulated FROM pg_matviews WHERE schemaname = 'public'"),
        )
        populated = {name: bool(filled) for name, filled in rows}
        execute(conn, _parents_statement(conn, _present(conn, ANALYZED), partitions))
        done = []
        for view in MATERIALIZED:
            if view not in populated:
                continue  # a schema version without this view
            refresh = (
                "REFRESH MATERIALIZED VIEW CONCURRENTLY {}"
                if populated[view]
                else ("REFRESH MATERIALIZED VIEW {}")
            )
            execute(conn, sql.SQL(refresh).format(sql.Identifier("public", view)))
            done.append(view)
        view = "(statistics)"
        if done:
            execute(conn, sql.SQL("ANALYZE {}").format(_names(done)))
        if not in_transaction:
            conn.commit()
    except Exception as error:
        if in_transaction:
            raise
        conn.rollback()
        raise DatabaseError(
            f"refreshing the BI view {view} failed: {error}. The data is loaded; run "
            "`connectomedb db refresh-views` to try again."
        ) from error
    return done


_LOGIN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Grants of the reader role on this database (as made by migrations 0002 and 0004): the views
# of the schema bi, nothing of public; idempotent.
_READER_GRANTS = (
    "GRANT USAGE ON SCHEMA bi TO {role}",
    "GRANT SELECT ON ALL TABLES IN SCHEMA bi TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA bi GRANT SELECT ON TABLES TO {role}",
)
# Settings of each member login in this database: BI tools list the bi views first, and every
# transaction is read-only unless the session asks otherwise (the privileges refuse writes
# either way).
_LOGIN_SETTINGS = (
    "ALTER ROLE {user} IN DATABASE {db} SET search_path = bi",
    "ALTER ROLE {user} IN DATABASE {db} SET default_transaction_read_only = on",
)


def grant_reader(conn: Any, login: str, password: str | None = None) -> bool:
    """Make the PostgreSQL login ``login`` a member of :data:`READER_ROLE` (read-only access to
    the views of the schema ``bi`` of this database, its search path) and commit; ``True`` when
    the login was created.

    ``conn``: a psycopg connection of a role allowed to create roles. A new login needs a
    ``password``; an existing one gets its password changed only when one is given.
    """
    from psycopg import sql

    if not _LOGIN.match(login):
        raise ConfigError(
            f"login name {login!r}: expected lower-case letters, digits and _ (at most 63), "
            "starting with a letter or _. Choose a name such as bi_reader."
        )
    role = sql.Identifier(READER_ROLE)
    user = sql.Identifier(login)
    try:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (READER_ROLE,)).fetchone():
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(role))
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(conn.info.dbname), role
            )
        )
        for grant in _READER_GRANTS:
            conn.execute(sql.SQL(grant).format(role=role))
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).fetchone()
        if not exists and password is None:
            raise ConfigError(
                f"PostgreSQL has no login {login!r}. Give its password to create it "
                "(CONNECTOMEDB_READER_PASSWORD, --prompt or --password), or create it first "
                "(CREATE ROLE ... LOGIN)."
            )
        if password is not None:
            # Utility statements take no bind parameters: the password goes in as a quoted
            # literal built by psycopg.
            verb = "ALTER" if exists else "CREATE"
            conn.execute(
                sql.SQL(verb + " ROLE {} WITH LOGIN PASSWORD {}").format(
                    user, sql.Literal(password)
                )
            )
        conn.execute(sql.SQL("GRANT {} TO {}").format(role, user))
        database = sql.Identifier(conn.info.dbname)
        for setting in _LOGIN_SETTINGS:
            conn.execute(sql.SQL(setting).format(user=user, db=database))
        conn.commit()
    except ConfigError:
        conn.rollback()
        raise
    except Exception as error:
        conn.rollback()
        raise DatabaseError(
            f"granting read-only access to {login!r} failed: {error}. Connect as a role that "
            "may create roles (CREATEROLE), for example the database owner."
        ) from error
    return not exists


def reader_logins(conn: Any) -> list[str]:
    """The logins that are members of :data:`READER_ROLE`, by name."""
    rows = conn.execute(
        "SELECT r.rolname FROM pg_roles r JOIN pg_auth_members m ON m.member = r.oid"
        " JOIN pg_roles g ON g.oid = m.roleid WHERE g.rolname = %s AND r.rolcanlogin"
        " ORDER BY r.rolname",
        (READER_ROLE,),
    ).fetchall()
    return [r[0] for r in rows]
