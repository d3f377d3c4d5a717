"""The command line on a PostgreSQL database (``--db`` / ``BAROMETER_DB`` as a URL), run as users run it:
created and said so, refused when missing, never printing the password."""

from __future__ import annotations

from tests.httpserver import article_html
from tests.postgres import PASSWORD, query
from tests.test_cli_ingest import PARAGRAPHS, cli


def test_a_command_that_stores_creates_the_database_and_names_it_without_its_password(postgres_url, tmp_path):
    page = tmp_path / "mine.html"
    page.write_text(article_html("Mine", PARAGRAPHS, canonical="https://mine.example/a"), encoding="utf-8")
    new = f"{postgres_url}_new"
    shown = new.replace(PASSWORD, "***")
    try:
        result = cli("ingest-html", str(page), "--no-progress", env={"BAROMETER_DB": new})
        assert result.returncode == 0, result.stderr
        assert result.stderr.endswith(f"Created a new database at {shown}.\n")
        assert query(new, "SELECT title FROM articles") == [("Mine",)]
        again = cli("ingest-html", str(page), "--db", new, "--no-progress")
        assert again.returncode == 0 and "Created" not in again.stderr and "already present" in again.stdout
        export = cli("export", "--articles", "--db", new)
        assert export.returncode == 0, export.stderr
        assert "https://mine.example/a" in export.stdout
        assert PASSWORD not in result.stderr + again.stderr + export.stderr
    finally:
        query(postgres_url, f'DROP DATABASE IF EXISTS "{new.rsplit("/", 1)[1]}" WITH (FORCE)')


def test_a_command_that_only_reads_refuses_a_missing_database_naming_it_without_its_password(postgres_url):
    typo = f"{postgres_url}_typo"
    for command in (("export",), ("rescore",)):
        result = cli(*command, "--db", typo)
        assert (result.returncode, result.stdout) == (1, "")
        assert (
            result.stderr == f"error: {typo.replace(PASSWORD, '***')}: no such database (check --db / BAROMETER_DB)\n"
        )
    assert query(postgres_url, "SELECT COUNT(*) FROM pg_database WHERE datname LIKE '%typo'") == [(0,)]
