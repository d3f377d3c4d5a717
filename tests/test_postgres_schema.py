"""The two schemas are one contract: the same version, the same numbered migrations, and the same
tables with the same columns on SQLite and on PostgreSQL (each engine's own bookkeeping aside)."""

from __future__ import annotations

from pipeline.store import Store, postgres_schema, sqlite_schema
from tests.postgres import query

#: What only one engine has: PostgreSQL's version table, its stand-ins for SQLite's rowid and its full-text index.
POSTGRES_ONLY = {
    ("schema_version", "id"),
    ("schema_version", "version"),
    ("scores", "seq"),
    ("watch_links", "seq"),
    ("articles", "search"),  # the full-text index, a column here (SQLite has an FTS5 table)
}


def test_both_backends_are_at_the_same_version_with_the_same_migrations():
    assert postgres_schema.SCHEMA_VERSION == sqlite_schema.SCHEMA_VERSION
    assert sorted(postgres_schema.MIGRATIONS) == sorted(sqlite_schema.MIGRATIONS)
    assert sorted(postgres_schema.MIGRATIONS) == list(range(1, sqlite_schema.SCHEMA_VERSION + 1))


def test_both_backends_have_the_same_tables_and_columns(postgres_url, tmp_path):
    sqlite_file = tmp_path / "t.sqlite"
    for db in (sqlite_file, postgres_url):
        Store.open(db).close()
    # Plain tables: a full-text index is each engine's own (an FTS5 virtual table and its shadow tables).
    tables = [
        name
        for (name,) in query(
            sqlite_file,
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
    ]
    on_sqlite = {(t, c) for t in tables for (c,) in query(sqlite_file, f"SELECT name FROM pragma_table_info('{t}')")}
    on_postgres = set(
        query(
            postgres_url, "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        )
    )
    assert len(on_sqlite) > 80  # every table of every migration
    assert on_postgres - POSTGRES_ONLY == on_sqlite
