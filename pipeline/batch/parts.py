"""Part files: one Parquet file per computed partition, each row an input's article or failure.

Workers build the file's bytes (``encode``); the process that runs the batch writes them in its work
directory, atomically (``write_part``: a temporary file renamed into place), so a part that exists
is whole, and reads them back for loading (``read_part``).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..models import Article, Evidence, FetchFailure, Score

Row = tuple[str, Article | FetchFailure, tuple[Score, ...]]  # the input, its article or failure, its scores

SCHEMA = pa.schema(
    [
        ("url", pa.string()),  # as listed in the input
        ("failure_reason", pa.string()),  # null for an article
        ("failure_stage", pa.string()),
        ("canonical_url", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("published", pa.string()),  # ISO date
        ("source", pa.string()),
        ("language", pa.string()),
        ("fingerprint", pa.string()),
        ("date_origin", pa.string()),
        ("final_url", pa.string()),
        ("decode_note", pa.string()),
        ("tension", pa.float64()),  # null when unscored
        ("sentiment", pa.float64()),
        ("relevance", pa.float64()),
        ("score_language", pa.string()),
        ("goldstein", pa.float64()),
        ("certain", pa.bool_()),
        ("scorer_version", pa.string()),
        ("evidence", pa.string()),  # JSON list of [sentence, weight]
        ("pair", pa.string()),  # the pair of the score above (the watched pair)
        ("more_scores", pa.string()),  # JSON list of the scores for the other followed pairs, each a Score's fields
    ]
)


def _row(url: str, result: Article | FetchFailure, scores: tuple[Score, ...]) -> dict[str, object]:
    row: dict[str, object] = {"url": url}
    if isinstance(result, FetchFailure):
        row.update(failure_reason=result.reason, failure_stage=result.stage)
        return row
    row.update(
        canonical_url=result.canonical_url,
        title=result.title,
        text=result.text,
        published=result.published.isoformat() if result.published else None,
        source=result.source,
        language=result.language,
        fingerprint=result.fingerprint,
        date_origin=result.date_origin,
        final_url=result.final_url,
        decode_note=result.decode_note,
    )
    if scores:
        score = scores[0]
        row.update(
            tension=score.tension,
            sentiment=score.sentiment,
            relevance=score.relevance,
            score_language=score.language,
            goldstein=score.goldstein,
            certain=score.certain,
            scorer_version=score.version,
            evidence=json.dumps([[e.sentence, e.weight] for e in score.evidence], ensure_ascii=False),
            pair=score.pair,
            more_scores=json.dumps([asdict(more) for more in scores[1:]], ensure_ascii=False),
        )
    return row


def encode(results: Sequence[Row]) -> bytes:
    """The Parquet bytes of a partition's results (input URL, article or failure, score), in order."""
    table = pa.Table.from_pylist([_row(*item) for item in results], schema=SCHEMA)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def write_part(path: Path, data: bytes) -> None:
    """Write a part atomically: a reader (or a rerun) sees the whole file or none."""
    temporary = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # the rename must not land before the bytes do
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def read_part(path: Path) -> list[Row]:
    """The results stored in a part file, in the order they were written."""
    return [_result(row) for row in pq.read_table(path, schema=SCHEMA).to_pylist()]


def _result(row: dict[str, object]) -> Row:
    url = str(row["url"])
    if row["failure_reason"] is not None:
        return url, FetchFailure(url, str(row["failure_reason"]), str(row["failure_stage"])), ()
    published = row["published"]
    article = Article(
        url=url,
        canonical_url=str(row["canonical_url"]),
        title=str(row["title"]),
        text=str(row["text"]),
        published=date.fromisoformat(str(published)) if published is not None else None,
        source=str(row["source"]),
        language=str(row["language"]),
        fingerprint=str(row["fingerprint"]),
        date_origin=None if row["date_origin"] is None else str(row["date_origin"]),
        final_url=str(row["final_url"]),
        decode_note=str(row["decode_note"]),
    )
    if row["tension"] is None:
        return url, article, ()
    evidence = [Evidence(str(sentence), float(weight)) for sentence, weight in json.loads(str(row["evidence"]))]
    score = Score(
        tension=_float(row["tension"]),
        sentiment=_float(row["sentiment"]),
        relevance=_float(row["relevance"]),
        language=str(row["score_language"]),
        evidence=evidence,
        goldstein=_float(row["goldstein"]),
        certain=bool(row["certain"]),
        version=str(row["scorer_version"]),
        pair=str(row["pair"]),
    )
    more = [
        Score(**{**fields, "evidence": [Evidence(**e) for e in fields["evidence"]]})
        for fields in json.loads(str(row["more_scores"]))
    ]
    return url, article, (score, *more)


def _float(value: object) -> float:
    assert isinstance(value, float)  # the schema's float64 columns, non-null in a scored row
    return value
