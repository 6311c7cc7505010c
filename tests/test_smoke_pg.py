import psycopg


def test_fresh_database_is_empty_and_writable(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url) as conn:
        tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        ).fetchone()
        assert tables == (0,)
        conn.execute("create table t (x int)")
        conn.execute("insert into t values (%s)", (41,))
        assert conn.execute("select x + 1 from t").fetchone() == (42,)
