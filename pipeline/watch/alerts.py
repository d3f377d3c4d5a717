"""Alerts: a new article that scores beyond the tension threshold, or the current period becoming a
spike by the trend chart's own rule (``pipeline.aggregate``). Each is stored once (its key), printed
by ``watch run``, listed on the dashboard and, when a webhook is set, sent on in the background.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from ..aggregate import PERIODS, aggregate, counted_articles
from ..models import Article, Evidence, Score
from ..report import Outcome
from ..settings import Settings
from ..store import Store, StoreError
from ..store.watch_records import Alert, AlertDraft
from .webhook import MAX_DELIVERY_ATTEMPTS, QUEUE_BOUND, Notifier

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def period_start(day: date, freq: str) -> date:
    """The first day of the period (day, ISO week or month) that holds ``day``, as the series counts it."""
    start: date = pl.Series([day], dtype=pl.Date).dt.truncate(PERIODS[freq])[0]
    return start


def strongest(evidence: Sequence[Evidence]) -> Evidence | None:
    """The evidence sentence that pulls hardest towards tension (None when none does)."""
    toward = [item for item in evidence if item.weight > 0]
    return max(toward, key=lambda item: item.weight) if toward else None


def article_draft(
    settings: Settings, article_id: int, article: Article, score: Score, today: date
) -> AlertDraft | None:
    """The alert a newly stored article raises: tension at or above ``alert_tension`` and relevance at
    least ``alert_relevance``, dated in the current or the previous period (or undated); None otherwise."""
    if score.tension < settings.alert_tension or score.relevance < settings.alert_relevance:
        return None
    period = period_start(article.published or today, settings.alert_freq)
    current = period_start(today, settings.alert_freq)
    if period < period_start(current - timedelta(days=1), settings.alert_freq):
        return None  # dated before the previous period: a new source's backlog, not news
    top = strongest(score.evidence)
    return AlertDraft(
        key=f"article:{article_id}",
        kind="article",
        freq=settings.alert_freq,
        period=period.isoformat(),
        tension=score.tension,
        summary=f"Tension {score.tension:+.2f}: {article.title or article.url}",
        evidence=top.sentence if top else "",
        evidence_url=article.url,
        article_ids=(article_id,),
    )


def spike_draft(frame: pl.DataFrame, settings: Settings, today: date) -> AlertDraft | None:
    """The alert of the current period (the one holding ``today``) when the chart's rule flags it as a
    spike; None otherwise. ``frame`` is ``Store.articles_frame()``."""
    freq = settings.alert_freq
    current = period_start(today, freq)
    series = aggregate(
        frame,
        freq=freq,  # type: ignore[arg-type]  # settings validate it as one of day, week, month
        relevance_threshold=settings.relevance_threshold,
        tension_threshold=settings.tension_threshold,
    ).filter((pl.col("period_start") == current) & pl.col("spike"))
    if series.is_empty():
        return None
    row = series.row(0, named=True)
    counted = (
        counted_articles(frame, relevance_threshold=settings.relevance_threshold)
        .filter(pl.col("published").dt.truncate(PERIODS[freq]) == current)
        .sort(["tension", "id"], descending=[True, False])
        .select("id")
        .collect()
    )
    evidence_id = row["top_evidence_id"]
    url = frame.filter(pl.col("id") == evidence_id).get_column("url").to_list() if evidence_id is not None else []
    return AlertDraft(
        key=f"spike:{freq}:{current.isoformat()}",
        kind="spike",
        freq=freq,
        period=current.isoformat(),
        tension=row["mean_tension"],
        summary=(
            f"Spike: the {freq} of {current.isoformat()}, mean tension {row['mean_tension']:+.2f} over "
            f"{row['articles']} articles, {row['tension_z']:.1f} standard deviations above the trailing {freq}s"
        ),
        evidence=row["top_evidence"] or "",
        evidence_url=url[0] if url else "",
        article_ids=tuple(counted.get_column("id").to_list()),
    )


def alert_line(alert: Alert) -> str:
    """The alert as ``watch run`` prints it: one line, then the evidence and its link."""
    line = f"ALERT #{alert.id} ({alert.freq} of {alert.period}) {alert.summary}"
    if alert.evidence:
        line += f'\n    "{alert.evidence}" {alert.evidence_url}'
    return line


def payload(alert: Alert) -> dict[str, Any]:
    """The JSON body the webhook receives."""
    return {
        "id": alert.id,
        "kind": alert.kind,
        "raised_at": alert.raised_at,
        "freq": alert.freq,
        "period": alert.period,
        "tension": alert.tension,
        "summary": alert.summary,
        "evidence": alert.evidence,
        "evidence_url": alert.evidence_url,
        "articles": [
            {"id": a.id, "title": a.title, "url": a.url, "published": a.published, "tension": a.tension}
            for a in alert.articles
        ],
    }


class Alerter:
    """Raises the alerts of one watcher: stores each once, tells ``on_alert``, and hands it to the
    webhook's background sender (which has its own connection: the poll never waits for it)."""

    def __init__(
        self, settings: Settings, owner: str, clock: Clock, on_alert: Callable[[Alert], None] | None = None
    ) -> None:
        self.settings, self.clock, self.on_alert = settings, clock, on_alert
        self.notifier = Notifier(settings, owner, clock, payload) if settings.watch_webhook else None
        self.stored = 0  # articles stored since the last spike check
        self.raised: list[Alert] = []

    def article(self, db: Store, outcome: Outcome, article: Article, score: Score) -> None:
        """Called for each article a poll stored: raise its alert when it is tense enough."""
        if outcome.status != "stored" or outcome.article_id is None:
            return  # a copy of a stored story, or a page stored before, is not news
        self.stored += 1
        draft = article_draft(self.settings, outcome.article_id, article, score, self.clock().date())
        if draft is not None:
            self._raise(db, draft)

    def spikes(self, db: Store) -> None:
        """After a pass that stored articles: raise the current period's spike alert, once."""
        if not self.settings.alert_spikes or not self.stored:
            return
        self.stored = 0
        try:
            draft = spike_draft(db.articles_frame(), self.settings, self.clock().date())
        except StoreError as err:
            logger.warning("the spike check could not read %s: %s", db.name, err.reason)
            return
        if draft is not None:
            self._raise(db, draft)

    def resend(self, db: Store) -> None:
        """Hand the webhook the alerts not delivered yet (by an earlier run, or refused by a full queue)."""
        if self.notifier is None:
            return
        for alert_id in db.undelivered_alerts(now=self.clock(), limit=QUEUE_BOUND, max_attempts=MAX_DELIVERY_ATTEMPTS):
            self.notifier.offer(alert_id)

    def close(self, db: Store, timeout: float) -> bool:
        """Give the webhook up to ``timeout`` seconds to finish; the alerts it has not sent stay
        pending for the next run. True when nothing was left."""
        if self.notifier is None:
            return True
        done = self.notifier.close(timeout)
        if not done:
            db.release_alerts(self.notifier.owner)
        return done

    def _raise(self, db: Store, draft: AlertDraft) -> None:
        try:
            alert = db.add_alert(draft, now=self.clock(), deliver=self.notifier is not None)
        except StoreError as err:  # the article is stored; only its alert is lost, and the log says so
            logger.warning("could not store the alert %s: %s", draft.key, err.reason)
            return
        if alert is None:
            return
        self.raised.append(alert)
        if self.on_alert is not None:
            self.on_alert(alert)
        if self.notifier is not None:
            self.notifier.offer(alert.id)
