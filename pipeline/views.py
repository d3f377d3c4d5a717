"""What the dashboard shows, as plain functions: reading the database, filtering, shaping tables.

The dashboard's pages (``dashboard.py`` and ``ui/``) lay out widgets and call these; they hold no
SQL and no frame logic. Everything here is free of Streamlit (and of the ingest and trafilatura),
so it is tested and benchmarked without a browser. Reads take a database path (each opens and
closes its own connection: Streamlit reruns in several threads).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from . import article_list
from .aggregate import Freq, aggregate, contract_frame, propagate_story_overrides
from .export import csv_bytes
from .models import Evidence
from .resources import DataFileError
from .scoring.actors import Pair, load_pair
from .scoring.score import leaning_words as score_words
from .settings import Settings
from .store import STANCES, ArticleDetail, Store

# Raised when the database cannot be opened (missing directory, newer schema, read-only file).
from .store import StoreError as StoreError

#: What the analyst can say about an article, as shown in the correction control.
NO_CORRECTION = "scorer's reading (no correction)"
NOT_RELEVANT = "not relevant"
CORRECTIONS: tuple[str, ...] = (NO_CORRECTION, *STANCES, NOT_RELEVANT)

#: Columns of the articles table on screen, in order.
TABLE_COLUMNS: tuple[str, ...] = (
    "id",
    "published",
    "title",
    "source",
    "language",
    "tension",
    "sentiment",
    "relevance",
    "correction",
    "counted",
    "url",
)

#: Hover text of the trend chart is cut at this many characters of evidence, then wrapped.
HOVER_EVIDENCE_CHARS = 240
HOVER_LINE_CHARS = 60

CSV_MIME = "text/csv"
PARQUET_MIME = "application/vnd.apache.parquet"


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices. Empty ``languages``/``sources`` mean all; ``start``/``end`` are inclusive."""

    freq: Freq = "week"
    smooth: int = 0
    start: dt.date | None = None
    end: dt.date | None = None
    languages: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilterOptions:
    """What the filters can choose from in the current data."""

    languages: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    first: dt.date | None = None
    last: dt.date | None = None


@dataclass(frozen=True)
class PairChoice:
    """A pair the database follows, as the sidebar lists it: its title, or its id and why its file
    does not load (``problem``)."""

    id: str
    title: str
    problem: str = ""

    @property
    def label(self) -> str:
        return f"{self.id} (its file does not load)" if self.problem else self.title


@dataclass(frozen=True)
class Download:
    """One download button's payload: the bytes, or what builds them when the button is clicked."""

    label: str
    file_name: str
    data: bytes | Callable[[], bytes]
    mime: str


# ---------------------------------------------------------------- reading and writing the database


logger = logging.getLogger(__name__)
PairRef = str | Pair | None  # a pair id, a loaded pair, or None: the store's own (kz-ru)


def pair_of(pair_id: str, data_dir: str = "") -> str | Pair:
    """The pair ``pair_id`` loaded from its file (so its scores are read at its current version), or
    the id itself when the file does not load (its newest stored scores are read)."""
    try:
        return load_pair(pair_id, data_dir)
    except DataFileError:
        return pair_id


@contextmanager
def _connection(db: str | Path, *, write: bool = False, pair: PairRef = None, backfill: str = "") -> Iterator[Store]:
    # A database the dashboard may not write (a read-only file or folder) can still be read; only
    # a correction then fails, with a message naming the file.
    loaded = pair if isinstance(pair, Pair) else None  # the store works for a loaded pair; an id is passed on
    # An old database opened here first is filed under the pair read (else the settings' pair, ``backfill``).
    upgrade = _id(pair) or backfill
    with Store.open(db, read_only=not write and Store.is_read_only(db), pair=loaded, backfill=upgrade) as opened:
        yield opened


def _id(pair: PairRef) -> str | None:
    return pair.id if isinstance(pair, Pair) else pair


def data_version(db: str | Path, backfill: str = "") -> tuple[int, ...]:
    """The database's change token (``Store.data_version``): the cache key of every read below.
    ``backfill``: the settings' pair, under which an old database is filed if this opening upgrades it."""
    with _connection(db, backfill=backfill) as conn:
        return conn.data_version()


def pair_choices(db: str | Path, watched: Pair, data_dir: str = "") -> list[PairChoice]:
    """The pairs the database follows (always the watched one), sorted by id, with their titles."""
    with _connection(db, pair=watched) as conn:
        followed = conn.pairs()
    choices = []
    for pair_id in followed:
        try:
            choices.append(PairChoice(pair_id, load_pair(pair_id, data_dir).title))
        except DataFileError as err:
            choices.append(PairChoice(pair_id, pair_id, str(err)))
    return choices


def read_articles(db: str | Path, pair: PairRef = None) -> pl.DataFrame:
    """Every stored article with its current score and correction of the pair (``store.ARTICLE_FRAME_SCHEMA``)."""
    with _connection(db, pair=pair) as conn:
        return conn.articles_frame(pair=_id(pair))


def read_pairs(db: str | Path, pairs: Sequence[str | Pair], backfill: str = "") -> pl.DataFrame:
    """The articles frames of several pairs stacked, a ``pair`` column first (``Store.pairs_frame``);
    ``backfill`` as for ``data_version``."""
    with _connection(db, backfill=backfill) as conn:
        return conn.pairs_frame(pairs)


def read_article(db: str | Path, article_id: int, pair: PairRef = None) -> ArticleDetail | None:
    """One article with its score of the pair (``.score.evidence``) and correction; None when it is gone."""
    with _connection(db, pair=pair) as conn:
        return conn.get_article(article_id, pair=_id(pair))


def save_correction(db: str | Path, article_id: int, choice: str, author: str = "", pair: PairRef = None) -> None:
    """Store the analyst's correction (one of ``CORRECTIONS``) made by ``author`` for the pair;
    ``NO_CORRECTION`` undoes it. A correction is the pair's: the article's reading under another stays."""
    if choice not in CORRECTIONS:
        raise ValueError(f"correction {choice!r} is not one of {', '.join(CORRECTIONS)}")
    if choice == NO_CORRECTION:
        undo_correction(db, article_id, pair)
        return
    with _connection(db, write=True, pair=pair) as conn:
        if choice == NOT_RELEVANT:
            conn.set_override(article_id, not_relevant=True, author=author, pair=_id(pair))
        else:
            conn.set_override(article_id, stance=choice, author=author, pair=_id(pair))


def undo_correction(db: str | Path, article_id: int, pair: PairRef = None) -> bool:
    """Remove the analyst's correction of one article for the pair; True when there was one."""
    with _connection(db, write=True, pair=pair) as conn:
        return conn.clear_override(article_id, pair=_id(pair))


def is_empty(db: str | Path, backfill: str = "") -> bool:
    """True when the database holds no article at all (the first run); ``backfill`` as for ``data_version``."""
    with _connection(db, backfill=backfill) as conn:
        return conn.article_count() == 0


# ---------------------------------------------------------------- filters


def filter_options(frame: pl.DataFrame) -> FilterOptions:
    """Languages, sources and the date span present in the articles frame."""

    def values(name: str) -> list[str]:
        return sorted(v for v in frame.get_column(name).drop_nulls().unique().to_list() if v)

    dates = frame.get_column("published")
    first, last = dates.min(), dates.max()  # dates, or None when no article is dated
    return FilterOptions(
        languages=values("language"),
        sources=values("source"),
        first=first if isinstance(first, dt.date) else None,
        last=last if isinstance(last, dt.date) else None,
    )


def date_range_reset(
    current: object, previous_span: tuple[dt.date, ...] | None, options: FilterOptions
) -> tuple[dt.date, ...] | None:
    """The value to give the date-range widget before it is drawn, or None to keep the user's choice.

    The data's span on the first run, and again when the span changed (the demo removed, articles
    added) while the widget showed the whole of the old span or lies wholly outside the new one.
    """
    if options.first is None or options.last is None:
        return None
    span = (options.first, options.last)
    picked = tuple(current) if isinstance(current, list | tuple) else ()
    if not picked:
        return span
    if previous_span is None or tuple(previous_span) == span:
        return None
    if picked == tuple(previous_span) or picked[0] > options.last or picked[-1] < options.first:
        return span
    return None


def date_range(value: object, options: FilterOptions) -> tuple[dt.date | None, dt.date | None]:
    """The (start, end) of a date-range widget's value; the missing end (mid-selection) is open."""
    picked = list(value) if isinstance(value, list | tuple) else [value] if value else []
    start = picked[0] if picked and isinstance(picked[0], dt.date) else None
    end = picked[1] if len(picked) > 1 and isinstance(picked[1], dt.date) else None
    # The full span means "no limit", so articles added later outside it are not hidden.
    if start == options.first:
        start = None
    if end == options.last:
        end = None
    return start, end


def apply_filters(frame: pl.DataFrame, filters: Filters, *, keep_undated: bool = False) -> pl.DataFrame:
    """The articles that match the languages, sources and date range (undated ones only with ``keep_undated``)."""
    keep = article_list.filter_expr(
        filters.languages, filters.sources, filters.start, filters.end, keep_undated=keep_undated
    )
    return propagate_story_overrides(frame).filter(keep)


# ---------------------------------------------------------------- the trend


def trend_series(frame: pl.DataFrame, filters: Filters, settings: Settings) -> pl.DataFrame:
    """The aggregated series for the chart and the CSV: ``aggregate`` over the filtered articles."""
    return aggregate(
        apply_filters(frame, filters),
        freq=filters.freq,
        smooth=filters.smooth,
        start=filters.start,
        end=filters.end,
        relevance_threshold=settings.relevance_threshold,
        tension_threshold=settings.tension_threshold,
    )


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def escape_html(text: str) -> str:
    """Text made inert for Plotly labels, which read a few HTML tags (``<b>``, ``<a href>``, ``<br>``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def hover_text(series: pl.DataFrame) -> list[str]:
    """One hover label per period: its article count and its strongest evidence sentence (escaped)."""
    labels = []
    for articles, evidence in zip(
        series.get_column("articles").to_list(), series.get_column("top_evidence").to_list(), strict=True
    ):
        label = plural(articles, "article")
        if evidence:
            short = evidence if len(evidence) <= HOVER_EVIDENCE_CHARS else evidence[: HOVER_EVIDENCE_CHARS - 1] + "…"
            label += "<br>strongest evidence:<br>" + "<br>".join(escape_html(s) for s in _wrap(short, HOVER_LINE_CHARS))
        labels.append(label)
    return labels


def interval_text(series: pl.DataFrame) -> list[str]:
    """The 95% interval of each period's mean tension, in words for the hover label: "n/a" where the
    series has none (one article: no spread to estimate; no article: no mean)."""
    texts = []
    for articles, low, high in series.select("articles", "ci_low", "ci_high").iter_rows():
        if low is not None and high is not None:
            texts.append(f"95% interval: {low:.2f} to {high:.2f}")
        else:
            texts.append("95% interval: n/a" + (" (one article)" if articles == 1 else ""))
    return texts


def plural(n: int, noun: str) -> str:
    """ "1 article", "2 articles"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def counted_in(series: pl.DataFrame) -> int:
    """How many articles the series counts."""
    return int(series.get_column("articles").sum())


# ---------------------------------------------------------------- the articles table


def _correction_expr() -> pl.Expr:
    return (
        pl.when(pl.col("override_not_relevant").fill_null(False))
        .then(pl.lit("✎ " + NOT_RELEVANT))
        .when(pl.col("override_stance").is_not_null())
        .then(pl.lit("✎ ") + pl.col("override_stance"))
        .otherwise(pl.lit(""))
    )


def selection(filters: Filters, settings: Settings, search: str = "") -> article_list.Selection:
    """The articles that the articles page and the article export list, for these filters and search."""
    return article_list.Selection(
        filters.languages, filters.sources, filters.start, filters.end, search, settings.relevance_threshold
    )


def articles_page(
    frame: pl.DataFrame,
    filters: Filters,
    settings: Settings,
    search: str = "",
    offset: int = 0,
    length: int = 2000,
    ranked: Sequence[int] | None = None,
) -> article_list.Page:
    """One page of the articles that match the filters and the search (title, source or URL), newest
    first, and how many match in all; only the page's rows are built.

    Columns: ``TABLE_COLUMNS``; ``correction`` marks the analyst's corrections (✎), ``counted`` says
    whether the article counts in the series or why not. Undated articles are listed too. With
    ``ranked`` (full-text matches, ``Store.search``) the search is theirs (``article_list.page``).
    """
    page = article_list.page(frame, selection(filters, settings, search), offset, length, ranked=ranked)
    rows = page.rows.with_columns(_correction_expr().alias("correction")).select(TABLE_COLUMNS)
    return article_list.Page(rows, page.total, page.offset)


def articles_table(frame: pl.DataFrame, filters: Filters, settings: Settings, search: str = "") -> pl.DataFrame:
    """Every article that matches the filters and the search, newest first (``articles_page`` as one page)."""
    return articles_page(frame, filters, settings, search, 0, frame.height).rows


def article_choices(table: pl.DataFrame) -> dict[int, str]:
    """Article id → "date · source · title" for the article picker, in table order."""
    labels = table.select(
        "id",
        pl.concat_str(
            pl.col("published").cast(pl.String).fill_null("undated"),
            pl.col("source").fill_null(""),
            pl.col("title").fill_null(""),
            separator=" · ",
        ).alias("label"),
    )
    return dict(zip(labels.get_column("id").to_list(), labels.get_column("label").to_list(), strict=True))


def current_correction(article: ArticleDetail) -> str:
    """The article's correction as one of ``CORRECTIONS``."""
    if article.override is None:
        return NO_CORRECTION
    if article.override.not_relevant:
        return NOT_RELEVANT
    return article.override.stance or NO_CORRECTION


def correction_made(article: ArticleDetail) -> str | None:
    """ "Corrected by X on DATE" (or "Corrected on DATE" when no author was recorded); None when uncorrected."""
    override = article.override
    if override is None:
        return None
    day = override.created_at[:10] or "an unknown date"
    return f"Corrected by {override.author} on {day}" if override.author else f"Corrected on {day}"


def evidence_rows(evidence: Sequence[Evidence]) -> list[tuple[str, str, float]]:
    """(direction, sentence, weight) of each evidence sentence, strongest first; direction by sign."""
    rows = []
    for item in sorted(evidence, key=lambda e: -abs(e.weight)):
        direction = "tension" if item.weight > 0 else "cooperation" if item.weight < 0 else "neutral"
        rows.append((direction, item.sentence, item.weight))
    return rows


def leaning_words(article: ArticleDetail, pair: PairRef = None) -> list[tuple[str, float]]:
    """The words the word-stem model leaned the article's stored tension by, strongest first (their shares
    of it, like the evidence's); none when the text read again gives another tension than the stored one
    (a score of another scorer version: its words would explain a figure not shown)."""
    if article.score is None:
        return []
    try:
        tension, words = score_words(article.text, article.title, article.language or None, pair=pair)
    except Exception:  # an explanation must not take the page down; the score and its evidence still show
        logger.warning("the leaning words of article %s could not be read again", article.id, exc_info=True)
        return []
    return words if round(tension, 4) == article.score.tension else []


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto)(?=[:.])|(@)")


def escape_markdown(text: str) -> str:
    """Text that Streamlit's markdown shows literally (no links, emphasis, HTML or LaTeX).

    Escaping alone does not stop GitHub-style autolinks ("https://…", "www.…", e-mail addresses),
    which are found after escapes are resolved; an invisible word joiner breaks them.
    """
    text = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + "\u2060", " ".join(text.split()))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def is_web_link(url: str | None) -> bool:
    """True for http(s) URLs, the only ones offered as links (saved pages get file:// URLs)."""
    return url is not None and url.lower().startswith(("http://", "https://"))


# ---------------------------------------------------------------- export


def downloads(
    series: pl.DataFrame, articles: Callable[[], pl.DataFrame], filters: Filters, settings: Settings
) -> list[Download]:
    """The export buttons' payloads: the contract CSV of the series (small, built now), and the
    article table as CSV and Parquet, built from ``articles()`` only when their button is clicked."""
    chosen = selection(filters, settings)
    return [
        Download(
            f"Aggregated CSV ({filters.freq})",
            f"barometer-{filters.freq}.csv",
            csv_bytes(contract_frame(series)),
            CSV_MIME,
        ),
        Download(
            "Article table (CSV)",
            "barometer-articles.csv",
            lambda: article_list.export_csv(articles(), chosen),
            CSV_MIME,
        ),
        Download(
            "Article table (Parquet)",
            "barometer-articles.parquet",
            lambda: article_list.export_parquet(articles(), chosen),
            PARQUET_MIME,
        ),
    ]


def export_count(frame: pl.DataFrame, filters: Filters, settings: Settings) -> int:
    """How many articles the article export would write (counted without building them)."""
    return article_list.count(frame, selection(filters, settings))


def export_table(frame: pl.DataFrame, filters: Filters, settings: Settings) -> pl.DataFrame:
    """The article-level export for the current filters: ``aggregate.ARTICLE_COLUMNS`` (with ``counted``)."""
    return article_list.export_rows(frame, selection(filters, settings)).collect()
