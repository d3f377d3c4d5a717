"""Store.open: which --db values (paths, sqlite:// and postgresql:// URLs) name which database, and
errors that name the database (never its password) and the reason."""

from __future__ import annotations

import socket
import sqlite3
from datetime import date

import pytest

from pipeline.models import Article
from pipeline.store import Store, StoreError
from tests.postgres import PASSWORD, is_url, query


def article(i: int, text: str = "") -> Article:
    url = f"https://a.example/{i}"
    return Article(url, url, f"title {i}", text or f"text {i}", date(2022, 1, 1), "a", "en", "")


def titles_in(path) -> list[str]:
    return [t for (t,) in sqlite3.connect(path).execute("SELECT title FROM articles ORDER BY id")]


def test_a_path_a_string_and_sqlite_urls_open_the_same_file(tmp_path, monkeypatch):
    """sqlite:///x is relative to the working directory, sqlite:////x absolute (as in SQLAlchemy)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "b.sqlite"
    forms = [path, str(path), "sqlite:///b.sqlite", f"sqlite:///{path}", "SQLite:///b.sqlite"]
    for i, form in enumerate(forms):
        with Store.open(form) as db:
            db.insert_article(article(i))
            assert db.name in (str(path), "b.sqlite")
    assert titles_in(path) == [f"title {i}" for i in range(len(forms))]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".sqlite") == ["b.sqlite"]


@pytest.mark.parametrize("form", [":memory:", "sqlite://", "sqlite:///:memory:"])
def test_in_memory_forms_write_no_file(tmp_path, monkeypatch, form):
    monkeypatch.chdir(tmp_path)
    with Store.open(form) as db:
        db.insert_article(article(0))
        assert db.article_count() == 1
        assert Store.check_database(form, create=False) is None  # nothing to check on disk
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_scheme_is_refused_naming_the_url_without_its_password(tmp_path):
    url = "mysql://analyst:s3cret@db.example:3306/barometer?password=s3cret"
    expected = (
        "mysql://analyst:***@db.example:3306/barometer?password=***: the mysql storage backend is not built; "
        "use a SQLite file (a path, or sqlite:///path) or a postgresql://user:password@host:port/database URL "
        "(check --db / BAROMETER_DB)"
    )
    for attempt in (Store.open, lambda db: Store.check_database(db, create=True), Store.is_writable):
        with pytest.raises(StoreError) as caught:
            attempt(url)
        assert str(caught.value) == expected
        assert "s3cret" not in str(caught.value)


def test_postgresql_and_postgres_urls_open_the_same_database_named_without_the_password(postgres_url):
    short = postgres_url.replace("postgresql://", "postgres://", 1)
    for i, form in enumerate([postgres_url, short, "PostgreSQL" + postgres_url[len("postgresql") :]]):
        with Store.open(form) as db:
            db.insert_article(article(i))
            assert PASSWORD not in db.name and db.name == form.replace(PASSWORD, "***").replace(
                "PostgreSQL", "postgresql"
            )
    assert query(postgres_url, "SELECT title FROM articles ORDER BY id") == [("title 0",), ("title 1",), ("title 2",)]
    assert (Store.is_writable(postgres_url), Store.is_read_only(postgres_url), Store.exists(postgres_url)) == (
        True,
        False,
        True,
    )


def test_a_server_that_cannot_be_reached_or_refuses_the_password_is_named_without_it(postgres_url):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    host_port = postgres_url.split("@", 1)[1].split("/", 1)[0]
    unreachable = postgres_url.replace(host_port, f"127.0.0.1:{port}")
    wrong_password = postgres_url.replace(PASSWORD, "not-the-password")
    for url, why in ((unreachable, "Connection refused"), (wrong_password, "password authentication failed")):
        for attempt in (Store.open, lambda db: Store.check_database(db, create=False)):
            with pytest.raises(StoreError) as caught:
                attempt(url)
            message = str(caught.value)
            assert message.startswith(f"database {url.split(':', 2)[0]}:{url.split(':', 2)[1]}:***@"), message
            assert why in message and "\n" not in message
            assert PASSWORD not in message and "not-the-password" not in message
        assert (Store.is_writable(url), Store.is_read_only(url)) == (False, False)


def test_a_sqlite_url_with_a_host_is_refused_with_the_forms_that_work():
    with pytest.raises(StoreError, match=r"^sqlite://host/b\.sqlite: a sqlite URL takes no host; write sqlite:///"):
        Store.open("sqlite://host/b.sqlite")


def test_a_file_that_is_not_a_database_is_refused_naming_it(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are notes, not a database\n" * 200)
    for read_only in (False, True):
        with pytest.raises(
            StoreError, match=rf"^{path}: cannot read it as a SQLite database \(file is not a database\)$"
        ):
            Store.open(path, read_only=read_only)


def test_a_corrupt_table_is_a_store_error_naming_the_file_and_the_reason(tmp_path):
    """The schema is intact (so the file opens), the pages of the articles table are not: the read fails."""
    path = tmp_path / "c.sqlite"
    with Store.open(path) as db:
        for i in range(40):
            db.insert_article(article(i, text="word " * 2000))
    raw = sqlite3.connect(path)
    try:
        pages = [
            n for (n,) in raw.execute("SELECT pageno FROM dbstat WHERE name = 'articles' AND pagetype != 'internal'")
        ]
        size = raw.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.OperationalError:
        pytest.skip("this SQLite has no dbstat table to find the pages of a table")
    finally:
        raw.close()
    data = bytearray(path.read_bytes())
    for n in pages:
        data[(n - 1) * size : n * size] = b"\xa5" * size
    path.write_bytes(bytes(data))
    with Store.open(path) as db, pytest.raises(StoreError) as caught:
        db.articles_frame()
    assert str(caught.value) == f"database {path}: database disk image is malformed"
    assert caught.value.reason == "database disk image is malformed"


def test_a_refused_write_is_a_store_error_with_the_reason_apart(store_db):
    Store.open(store_db).close()
    if is_url(store_db):
        query(
            store_db,
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$",
        )
        query(store_db, "CREATE TRIGGER refuse BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION refuse()")
    else:
        query(
            store_db,
            "CREATE TRIGGER refuse BEFORE INSERT ON articles BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END",
        )
    with Store.open(store_db) as db:
        with pytest.raises(StoreError) as caught:
            db.insert_article(article(0))
        assert str(caught.value) == f"database {db.name}: disk full (simulated)"
        assert caught.value.reason == "disk full (simulated)"
        db.insert_articles_bulk([])  # the connection is usable again: the failed transaction was rolled back
        assert db.article_count() == 0


def test_a_role_that_may_only_read_is_read_only_and_reads(postgres_url):
    with Store.open(postgres_url) as db:
        db.insert_article(article(0))
    database = postgres_url.rsplit("/", 1)[1]
    query(postgres_url, "CREATE ROLE barometer_reader LOGIN PASSWORD 'reader-pw'")
    try:
        query(postgres_url, f'GRANT CONNECT ON DATABASE "{database}" TO barometer_reader')
        query(postgres_url, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO barometer_reader")
        reader = postgres_url.replace(f"barometer:{PASSWORD}@", "barometer_reader:reader-pw@")
        assert (Store.is_read_only(reader), Store.is_writable(reader)) == (True, False)
        assert (Store.is_read_only(postgres_url), Store.is_writable(postgres_url)) == (False, True)
        with Store.open(reader, read_only=Store.is_read_only(reader)) as db:  # as the dashboard opens it
            assert db.articles_frame().get_column("title").to_list() == ["title 0"]
            with pytest.raises(StoreError, match="read-only transaction"):
                db.set_override(1, stance="tension")
    finally:
        from pipeline.store.postgres_connect import close_pools

        close_pools()
        query(postgres_url, "DROP OWNED BY barometer_reader")
        query(postgres_url, "DROP ROLE barometer_reader")


def test_a_driver_message_quoting_the_connection_string_loses_its_passwords():
    from pipeline.store.postgres_connect import reason

    url = "postgresql://analyst:s3cret@db.example/b?password=other%20one&sslmode=require"
    quoted = RuntimeError(f'missing "=" after "{url.replace("%20", " ")}"\n\tin connection info string')
    assert reason(quoted, url) == (
        'missing "=" after "postgresql://analyst:***@db.example/b?password=***&sslmode=require" '
        "in connection info string"
    )
