"""Alerts raised by polls, against real HTTP servers on 127.0.0.1: a tense new article raises one
alert with its evidence and link, a spike of the current period raises one, nothing is raised twice,
and the webhook (a server that records what it is sent) gets the JSON, is retried, never holds up a
poll, and sits behind the address guard. Each outcome is checked on the database."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import polars as pl
import pytest

from pipeline.aggregate import aggregate
from pipeline.cli import main
from pipeline.models import Article, Evidence, Score
from pipeline.scoring.score import SCORER_VERSION
from pipeline.store import Store
from pipeline.watch import Watcher, delivery_note
from pipeline.watch.alerts import article_draft
from tests.httpserver import Reply, article_html
from tests.watch_fixtures import RSS_TYPE, Clock, rss, serve_articles, watch_settings

# Hand-written, tense on purpose: an accusation, a protest, threats and sanctions.
TENSE = [
    "Kazakhstan accused Russia of blocking its oil exports and summoned the Russian ambassador in protest.",
    "Astana condemned the threats from Moscow and warned of retaliation.",
    "The border dispute between Kazakhstan and Russia escalated as Russia imposed sanctions on Kazakh grain.",
]
STRONGEST = TENSE[0]  # the sentence the scorer weighs most towards tension (golden, from score_article)
THURSDAY = datetime(2025, 3, 13, 12, 0, tzinfo=UTC)  # the feeds' items are dated 10-12 March: this week
CURRENT_WEEK = "2025-03-10"


def tense_page(title: str, day: str = "2025-03-10") -> Reply:
    """A tense article; its last paragraph is its own, so no two pages are one story."""
    own = " ".join(f"{title.replace(' ', '').lower()}{k}x{(k * 7919) % 101}" for k in range(30))
    return Reply(body=article_html(title, [*TENSE, f"Filed under {own}."], date=day).encode())


def serve_tense(server, count: int, prefix: str = "/tense/") -> list[str]:
    paths = [f"{prefix}{i}" for i in range(count)]
    for i, path in enumerate(paths):
        server.routes[path] = tense_page(f"Dispute {prefix}{i}")
    return paths


def serve_todays_tense_feed(server) -> date:
    """A feed of one tense article dated today, for what runs on the real clock (the CLI, check now):
    only an article of this or the last period raises an alert."""
    today = datetime.now(UTC).date()
    server.routes["/tense/0"] = tense_page("Dispute /tense/0", today.isoformat())
    fresh = rss(server, ["/tense/0"]).replace(b"Mon, 10 Mar 2025", today.strftime("%a, %d %b %Y").encode())
    server.routes["/feed"] = Reply(body=fresh, headers=RSS_TYPE)
    return today


class Hook:
    """A webhook on 127.0.0.x that records every JSON body it is POSTed; ``answer(n)`` gives the status
    of the n-th request (it may block on an event first)."""

    def __init__(self, host: str = "127.0.0.1", answer: Callable[[int], int] = lambda n: 200):
        self.bodies: list[dict] = []
        self.accepts = 0
        self.answered = threading.Event()
        self.answer = answer
        hook = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.bodies.append({"type": self.headers["Content-Type"], **json.loads(body)})
                status = hook.answer(len(hook.bodies))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                hook.answered.set()

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def get_request(self):
                hook.accepts += 1
                return super().get_request()

        self.httpd = Server((host, 0), Handler)
        self.url = f"http://{host}:{self.httpd.server_address[1]}/alerts"

    def __enter__(self) -> Hook:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def poll_once(db: Store, watcher: Watcher, server, url: str = "/feed", clock: Clock | None = None) -> None:
    if not db.sources():
        db.add_source(server.url(url), name="Test Gazette", kind="feed", every_s=1800, now=watcher.clock())
    watcher.poll_due(db, all_sources=True)


def history(db: Store, weeks: int = 8) -> None:
    """Three calm articles a week for the weeks before the current one: the spike rule's trailing window."""
    items = []
    for week in range(1, weeks + 1):
        for k in range(3):
            day = date(2025, 3, 10) - timedelta(weeks=week) + timedelta(days=k)
            tension = -0.3 + 0.05 * ((week + k) % 4)
            url = f"https://calm.example/{week}/{k}"
            article = Article(url, url, f"Calm {week}.{k}", "text", day, "calm.example", "en", "")
            items.append(
                (article, Score(tension, 0.0, 0.9, "en", [Evidence("Talks went on.", tension)], version=SCORER_VERSION))
            )
    db.insert_articles_bulk(items)


@pytest.fixture
def clock() -> Clock:
    return Clock(THURSDAY)


# ---------------------------------------------------------------- the rules


def test_a_tense_new_article_raises_one_alert_with_its_evidence_and_link_and_a_second_poll_none(
    server, settings, db_path, clock
):
    tense = serve_tense(server, 1)
    calm = serve_articles(server, 1)
    server.routes["/feed"] = Reply(body=rss(server, tense + calm), headers=RSS_TYPE)
    raised = []
    watcher = Watcher(watch_settings(settings), clock=clock, on_alert=raised.append)
    with Store.open(db_path) as db:
        poll_once(db, watcher, server)
        [alert] = db.alerts()
        assert raised == [alert]
        assert (alert.kind, alert.freq, alert.period, alert.delivery) == ("article", "week", CURRENT_WEEK, "none")
        assert alert.key == f"article:{alert.articles[0].id}"
        assert alert.summary == f"Tension {alert.tension:+.2f}: Dispute /tense/0"
        assert alert.tension >= 0.5
        assert (alert.evidence, alert.evidence_url) == (STRONGEST, server.url("/tense/0"))
        assert [(a.title, a.url) for a in alert.articles] == [("Dispute /tense/0", server.url("/tense/0"))]
        assert alert.raised_at == "2025-03-13T12:00:00+00:00"

        clock.advance(minutes=31)
        server.routes["/feed"] = Reply(
            body=rss(server, tense + calm + serve_articles(server, 1, prefix="/more/")), headers=RSS_TYPE
        )
        poll_once(db, watcher, server)
        assert db.article_count() == 3  # the second poll stored the new calm piece, and raised nothing
        assert [a.id for a in db.alerts()] == [alert.id] and raised == [alert]


@pytest.mark.parametrize(
    ("published", "period"),
    [
        (date(2025, 3, 13), "2025-03-10"),  # this week
        (date(2025, 3, 3), "2025-03-03"),  # last week: still news on a Thursday
        (None, "2025-03-10"),  # undated: the week it was found in
        (date(2025, 3, 2), None),  # the week before last: a new source's backlog
        (date(2019, 6, 1), None),
    ],
)
def test_only_an_article_of_this_or_the_last_period_raises_an_alert(settings, published, period):
    article = Article("https://a.example/1", "https://a.example/1", "Dispute", "text", published, "a.example", "en", "")
    score = Score(0.8, -0.5, 0.9, "en", [Evidence(STRONGEST, 0.8)], version=SCORER_VERSION)
    draft = article_draft(watch_settings(settings), 7, article, score, THURSDAY.date())
    assert (draft.period if draft else None) == period


def test_the_alert_rules_are_settings(server, settings, db_path, clock):
    serve_tense(server, 1)
    server.routes["/feed"] = Reply(body=rss(server, ["/tense/0"]), headers=RSS_TYPE)
    strict = watch_settings(settings, alert_relevance=0.95)  # the page's relevance is 0.89
    with Store.open(db_path) as db:
        poll_once(db, Watcher(strict, clock=clock), server)
        assert db.article_count() == 1 and db.alerts() == []


def test_the_current_week_becoming_a_spike_raises_one_alert_as_the_chart_flags_it(server, settings, db_path, clock):
    tense = serve_tense(server, 3)
    server.routes["/feed"] = Reply(body=rss(server, tense), headers=RSS_TYPE)
    watcher = Watcher(watch_settings(settings), clock=clock)
    with Store.open(db_path) as db:
        history(db)
        poll_once(db, watcher, server)
        spikes = [a for a in db.alerts() if a.kind == "spike"]
        assert len(spikes) == 1 and sum(a.kind == "article" for a in db.alerts()) == 3
        [spike] = spikes
        chart = aggregate(db.articles_frame(), freq="week").filter(pl.col("period_start") == date(2025, 3, 10))
        assert chart["spike"].to_list() == [True]
        assert (spike.key, spike.period) == (f"spike:week:{CURRENT_WEEK}", CURRENT_WEEK)
        assert spike.tension == pytest.approx(chart["mean_tension"][0])
        assert spike.evidence == chart["top_evidence"][0] == STRONGEST
        assert spike.evidence_url in {server.url(p) for p in tense}
        assert sorted(a.url for a in spike.articles) == sorted(server.url(p) for p in tense)
        assert spike.summary.startswith(
            f"Spike: the week of {CURRENT_WEEK}, mean tension {spike.tension:+.2f} over 3 articles"
        )

        # Another tense piece in the same week: its own alert, but the week is not raised again.
        server.routes["/feed"] = Reply(body=rss(server, tense + serve_tense(server, 1, "/later/")), headers=RSS_TYPE)
        clock.advance(minutes=31)
        poll_once(db, watcher, server)
        assert [a.kind for a in db.alerts()].count("spike") == 1
        assert [a.kind for a in db.alerts()].count("article") == 4


# ---------------------------------------------------------------- the webhook


def webhook_settings(settings, hook: Hook, **overrides: object):
    return watch_settings(settings, watch_webhook=hook.url, **overrides)


def test_the_webhook_receives_the_alert_as_json(server, settings, db_path, clock):
    serve_tense(server, 1)
    server.routes["/feed"] = Reply(body=rss(server, ["/tense/0"]), headers=RSS_TYPE)
    with Hook() as hook, Store.open(db_path) as db:
        watcher = Watcher(webhook_settings(settings, hook), clock=clock)
        poll_once(db, watcher, server)
        assert watcher.close(db, timeout=10)
        [alert] = db.alerts()
        [body] = hook.bodies
    assert body["type"] == "application/json; charset=utf-8"
    assert {k: body[k] for k in ("id", "kind", "period", "evidence", "evidence_url")} == {
        "id": alert.id,
        "kind": "article",
        "period": CURRENT_WEEK,
        "evidence": STRONGEST,
        "evidence_url": server.url("/tense/0"),
    }
    assert [a["url"] for a in body["articles"]] == [server.url("/tense/0")]
    assert (alert.delivery, alert.attempts, alert.sent_at) == ("sent", 1, "2025-03-13T12:00:00+00:00")


def test_a_webhook_answering_500_then_200_is_retried_and_delivered(server, settings, db_path, clock):
    serve_tense(server, 1)
    server.routes["/feed"] = Reply(body=rss(server, ["/tense/0"]), headers=RSS_TYPE)
    with Hook(answer=lambda n: 500 if n == 1 else 200) as hook, Store.open(db_path) as db:
        watcher = Watcher(webhook_settings(settings, hook), clock=clock)
        poll_once(db, watcher, server)
        assert watcher.close(db, timeout=10)
        [alert] = db.alerts()
    assert len(hook.bodies) == 2 and hook.bodies[0] == hook.bodies[1]
    assert (alert.delivery, alert.attempts, alert.last_error) == ("sent", 2, "")


def test_a_hanging_webhook_does_not_hold_up_the_poll(server, settings, db_path, clock):
    arrived, release = threading.Event(), threading.Event()

    def hold(n: int) -> int:
        arrived.set()
        release.wait(30)
        return 200

    serve_tense(server, 1)
    calm = serve_articles(server, 1)
    # The calm page answers only once the webhook request has arrived: the poll cannot end before it.
    gate = server.routes[calm[0]]
    server.routes[calm[0]] = lambda n: (arrived.wait(20), gate)[1]
    server.routes["/feed"] = Reply(body=rss(server, ["/tense/0", *calm]), headers=RSS_TYPE)
    slow = dict(total_timeout=60.0, watch_webhook_retries=0)
    with Hook(answer=hold) as hook, Store.open(db_path) as db:
        watcher = Watcher(webhook_settings(settings, hook, **slow), clock=clock)
        poll_once(db, watcher, server)
        # The poll is done, and the webhook still holds the request it had before the poll ended.
        assert arrived.is_set() and not hook.answered.is_set()
        assert db.article_count() == 2 and db.alerts()[0].delivery == "sending"
        release.set()
        assert watcher.close(db, timeout=20)
        assert db.alerts()[0].delivery == "sent"


def test_a_private_webhook_is_refused_and_the_alert_sent_by_a_later_run_that_allows_it(
    server, settings, db_path, clock
):
    serve_tense(server, 1)
    server.routes["/feed"] = Reply(body=rss(server, ["/tense/0"]), headers=RSS_TYPE)
    guarded = dict(allow_private=False, allow_networks="127.0.0.1/32")  # the feed's host, not the webhook's
    with Hook("127.0.0.2") as hook, Store.open(db_path) as db:
        watcher = Watcher(webhook_settings(settings, hook, **guarded), clock=clock)
        poll_once(db, watcher, server)
        assert watcher.close(db, timeout=10)
        [alert] = db.alerts()
        assert (alert.delivery, alert.attempts, hook.accepts) == ("pending", 1, 0)
        assert alert.last_error.startswith("refused: 127.0.0.2 is a loopback address; to fetch it, set")

        later = Watcher(webhook_settings(settings, hook), clock=clock)  # the operator allowed it
        later.poll_due(db)  # nothing is due; the pass still hands the webhook what waits
        assert later.close(db, timeout=10)
        [alert] = db.alerts()
    assert (alert.delivery, alert.attempts, len(hook.bodies)) == ("sent", 2, 1)


def test_alerts_beyond_the_queue_bound_wait_in_the_database_for_the_next_run(
    server, settings, db_path, clock, monkeypatch
):
    monkeypatch.setattr("pipeline.watch.webhook.QUEUE_BOUND", 1)
    arrived, release = threading.Event(), threading.Event()
    serve_tense(server, 3)
    server.routes["/feed"] = Reply(body=rss(server, [f"/tense/{i}" for i in range(3)]), headers=RSS_TYPE)

    def hold(n: int) -> int:
        arrived.set()
        release.wait(30)
        return 200

    quiet = dict(alert_spikes=False, concurrency=1)  # one article at a time: the first is in flight first
    with Hook(answer=hold) as hook, Store.open(db_path) as db:
        watcher = Watcher(webhook_settings(settings, hook, **quiet), clock=clock)
        db.add_source(server.url("/feed"), name="G", kind="feed", every_s=1800, now=clock())
        watcher.poll_due(db)
        assert arrived.wait(10)
        release.set()
        assert watcher.close(db, timeout=10)
        states = sorted(a.delivery for a in db.alerts())
        assert states == ["pending", "sent", "sent"]  # one sent, one queued, one left for the next run
        later = Watcher(webhook_settings(settings, hook, **quiet), clock=clock)
        later.poll_due(db)
        assert later.close(db, timeout=10)
        assert [a.delivery for a in db.alerts()] == ["sent"] * 3 and len(hook.bodies) == 3


def test_a_webhook_setting_that_is_not_a_web_address_is_a_usage_error(db_path, capsys, monkeypatch):
    monkeypatch.setenv("BAROMETER_WATCH_WEBHOOK", "ftp://hooks.example/x")
    Store.open(db_path).close()
    assert main(["watch", "run", "--once", "--db", str(db_path)]) == 2
    assert capsys.readouterr().err == (
        "error: BAROMETER_WATCH_WEBHOOK='ftp://hooks.example/x': unsupported scheme 'ftp:' "
        "(only http and https are fetched)\n"
    )


# ---------------------------------------------------------------- the command line


def test_watch_run_prints_each_alert_as_it_is_raised_and_watch_alerts_lists_them(server, db_path, capsys, monkeypatch):
    monkeypatch.setenv("BAROMETER_WATCH_HOST_GAP", "0")
    today = serve_todays_tense_feed(server)
    with Store.open(db_path) as db:
        db.add_source(server.url("/feed"), name="Test Gazette", kind="feed", every_s=1800, now=datetime.now(UTC))
    assert main(["watch", "run", "--once", "--allow-private", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    with Store.open(db_path) as db:
        [alert] = db.alerts()
    said = (
        f"ALERT #1 (week of {today - timedelta(days=today.weekday())}) Tension {alert.tension:+.2f}: Dispute /tense/0\n"
        f'    "{STRONGEST}" {server.url("/tense/0")}\n'
    )
    assert out == said + "Test Gazette: 1 listed, 1 new; fetched: 1 stored\n"
    assert main(["watch", "alerts", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out == f"{alert.raised_at} {said}"


def test_check_now_delivers_its_alerts_and_leaves_no_webhook_thread_behind(server, settings, db_path, clock):
    from pipeline.watch import check_now

    serve_todays_tense_feed(server)
    with Hook() as hook:
        with Store.open(db_path) as db:
            source_id = db.add_source(server.url("/feed"), name="G", kind="feed", every_s=1800, now=clock())
        report = check_now(webhook_settings(settings, hook), {source_id})  # the dashboard's "check now"
        assert report.count("stored") == 1 and len(hook.bodies) == 1
        assert not [t for t in threading.enumerate() if t.name == "alert-webhook" and t.is_alive()]


def test_a_dead_webhook_is_given_up_after_the_attempts_cap_and_says_so(
    server, settings, db_path, clock, monkeypatch, capsys
):
    monkeypatch.setattr("pipeline.watch.webhook.MAX_DELIVERY_ATTEMPTS", 3)
    serve_tense(server, 1)
    server.routes["/feed"] = Reply(body=rss(server, ["/tense/0"]), headers=RSS_TYPE)
    with Hook(answer=lambda n: 503) as hook, Store.open(db_path) as db:
        hooked = webhook_settings(settings, hook, watch_webhook_retries=1, backoff=0.0)
        for _ in range(4):  # each run makes up to 2 requests, but never past the cap: 2 + 1 + 0 + 0
            watcher = Watcher(hooked, clock=clock)
            poll_once(db, watcher, server)
            assert watcher.close(db, timeout=10)
        [alert] = db.alerts()
    assert (len(hook.bodies), alert.delivery, alert.attempts) == (3, "pending", 3)
    assert delivery_note(alert) == (
        "not delivered to the webhook: given up after 3 attempts (the last: the webhook answered HTTP 503 "
        "Service Unavailable)"
    )
    assert main(["watch", "alerts", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out.endswith(f"    {delivery_note(alert)}\n")
