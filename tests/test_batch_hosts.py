"""Per-host politeness across a real Dask cluster (pipeline.batch.hosts): a site sees at most
``per_host`` downloads at once from a batch of several workers, and other sites do not wait for it."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, Semaphore

from pipeline.batch import BatchError, work
from pipeline.batch.hosts import LEASE_PREFIX, HostLeases, close_idle_semaphores, lease_name, shared_leases
from pipeline.batch.plan import Partition
from pipeline.batch.run import run_batch
from pipeline.cli import main
from pipeline.fetch import Fetcher
from pipeline.inputs import stream_url_file
from pipeline.models import FetchFailure, Page
from tests.httpserver import Reply, TestServer, article_html, free_port
from tests.test_batch import story


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes with one thread each: two partitions run at once, one per worker."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


#: The longest a request waits for the others it is expected to overlap (a request left alone at
#: the end of a list waits this long, once).
PATIENCE = 3.0


class Gauge:
    """Requests held at once, and the most seen; ``awaited`` is how many at once each request waits
    for (at most PATIENCE seconds), so the overlap the limit allows happens however loaded the machine."""

    def __init__(self, awaited: int = 0) -> None:
        self.now = self.peak = 0
        self.awaited = awaited
        self.changed = threading.Condition()

    def up(self) -> None:
        with self.changed:
            self.now += 1
            self.peak = max(self.peak, self.now)
            self.changed.notify_all()

    def wait(self) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.now >= self.awaited, timeout=PATIENCE)

    def down(self) -> None:
        with self.changed:
            self.now -= 1


class HeldAtOnce(Gauge):
    """Serves story pages after ``delay`` seconds, counting the requests the site holds at once
    (and, in ``also``, those of several sites together)."""

    def __init__(
        self,
        server: TestServer,
        pages: int,
        delay: float,
        *,
        first: int = 0,
        also: Gauge | None = None,
        awaited: int = 0,
    ):
        super().__init__(awaited)
        self.urls = []
        gauges = [self] if also is None else [self, also]
        for i in range(first, first + pages):
            reply = Reply(body=article_html(f"Story {i}", story(i), date="2024-03-01").encode())
            server.routes[f"/p{i}"] = _held(reply, delay, gauges)
            self.urls.append(server.url(f"/p{i}"))


def _held(reply: Reply, delay: float, gauges: list[Gauge]):
    def route(hit: int) -> Reply:
        for gauge in gauges:
            gauge.up()
        for gauge in gauges:
            gauge.wait()
        time.sleep(delay)
        for gauge in gauges:  # before answering: the client sends its next request only after the answer
            gauge.down()
        return reply

    return route


def write_list(tmp_path: Path, name: str, urls: list[str]) -> Path:
    listed = tmp_path / name
    listed.write_text("\n".join(urls) + "\n", encoding="utf-8")
    return listed


def test_one_site_sees_at_most_per_host_downloads_from_the_whole_cluster(server, settings, tmp_path, cluster):
    site = HeldAtOnce(server, pages=16, delay=0.1, awaited=2)
    listed = write_list(tmp_path, "urls.txt", site.urls)
    polite = replace(settings, per_host=2)
    result = run_batch(
        stream_url_file(str(listed)), polite, tmp_path / "work", scheduler=cluster.scheduler_address, size=4
    )
    assert (result.computed, result.failed) == (4, [])
    assert result.report.summary().startswith("16 stored")
    assert site.peak == 2  # the limit held across both workers, and was used in full

    # Counted per worker process (the old plan), the same list holds twice the limit against the site:
    # the count above is one that sees both workers.
    site.peak, site.awaited = 0, 4
    other = replace(polite, db=str(tmp_path / "per-worker.sqlite"))
    run_batch(
        stream_url_file(str(listed)),
        other,
        tmp_path / "work-per-worker",
        scheduler=cluster.scheduler_address,
        size=4,
        per_host_scope="worker",
    )
    assert site.peak == 4


def test_a_busy_site_does_not_hold_back_another(server, settings, tmp_path, cluster):
    both = Gauge(awaited=2)  # each site's download waits for the other site's
    with TestServer("127.0.0.2") as second:
        one = HeldAtOnce(server, pages=12, delay=0.1, also=both)
        two = HeldAtOnce(second, pages=12, delay=0.1, first=12, also=both)
        urls = [url for pair in zip(one.urls, two.urls, strict=True) for url in pair]
        listed = write_list(tmp_path, "urls.txt", urls)
        result = run_batch(
            stream_url_file(str(listed)),
            replace(settings, per_host=1),
            tmp_path / "work",
            scheduler=cluster.scheduler_address,
            size=6,
        )
    assert result.report.summary().startswith("24 stored")
    # Each host's lease is its own: each site had its one download at a time, both at once.
    assert (one.peak, two.peak, both.peak) == (1, 1, 2)


def _lease_hosts_in_turn(kept_idle: int) -> tuple[int, int]:
    """On a worker: take and give back a lease of each of six hosts, twice; the semaphores kept,
    and the leases still held on the scheduler for the hosts (none)."""
    leases = HostLeases(1, kept_idle=kept_idle)
    hosts = [f"site{i}.example" for i in range(6)]
    for host in hosts * 2:
        with leases(host):
            pass
    held = 0
    for host in hosts:  # a lease of each is free again, whether or not its semaphore was dropped here
        probe = Semaphore(max_leases=1, name=lease_name(host, 1))
        assert probe.acquire(timeout=5)
        held += probe.get_value() - 1
        probe.release()
    return leases.kept(), held


def test_a_worker_keeps_only_a_bounded_number_of_idle_host_semaphores(cluster):
    with Client(cluster) as client:
        assert client.submit(_lease_hosts_in_turn, 2, pure=False).result() == (2, 0)
        assert client.submit(_lease_hosts_in_turn, 10, pure=False).result() == (6, 0)


def _host_semaphores(dask_scheduler) -> list[str]:
    """On the scheduler: the hosts' semaphores it knows (made, or with leases)."""
    semaphores = dask_scheduler.extensions["semaphores"]
    return sorted(n for n in {*semaphores.max_leases, *semaphores.leases} if str(n).startswith(LEASE_PREFIX))


def test_a_batch_leaves_no_host_semaphore_on_the_scheduler_and_the_next_job_runs(server, settings, tmp_path, cluster):
    site = HeldAtOnce(server, pages=8, delay=0.0)
    listed = write_list(tmp_path, "urls.txt", [*site.urls, f"http://127.0.0.1:{free_port()}/refused"])
    polite = replace(settings, per_host=1, retries=0)
    # A partition an input: both workers fetch from the site, and keep its semaphore.
    address = cluster.scheduler_address
    first = run_batch(stream_url_file(str(listed)), polite, tmp_path / "w1", scheduler=address, size=1)
    assert len(first.loads) == 2
    assert first.report.summary().startswith("8 stored")
    with Client(cluster) as client:
        assert client.run_on_scheduler(_host_semaphores) == []
    # The workers still keep the semaphores the scheduler closed: they make them again.
    again = replace(polite, db=str(tmp_path / "second.sqlite"))
    second = run_batch(stream_url_file(str(listed)), again, tmp_path / "w2", scheduler=address, size=1)
    assert second.report.summary().startswith("8 stored"), second.report.summary()
    with Client(cluster) as client:
        assert client.run_on_scheduler(_host_semaphores) == []


def _take_a_lease(host: str) -> bool:
    with shared_leases(1)(host):
        return True


def test_a_worker_makes_again_a_host_semaphore_the_scheduler_closed(cluster):
    with Client(cluster) as client:
        worker = next(iter(client.scheduler_info()["workers"]))
        assert client.submit(_take_a_lease, "closed.example", pure=False, workers=[worker]).result(timeout=30)
        assert client.run_on_scheduler(close_idle_semaphores) >= 1
        assert client.run_on_scheduler(_host_semaphores) == []
        again = client.submit(_take_a_lease, "closed.example", pure=False, workers=[worker])
        assert again.result(timeout=30)  # the worker's semaphore is one the scheduler no longer knew
        assert client.run_on_scheduler(_host_semaphores) == [lease_name("closed.example", 1)]
        client.run_on_scheduler(close_idle_semaphores)


def test_a_lease_the_cluster_cannot_give_fails_the_page_and_fetch_does_not_raise(settings):
    def gate(host: str):
        raise RuntimeError("Semaphore or Lock `barometer-host-1-x` not known.")

    failure = Fetcher(settings, host_gate=gate).fetch("http://127.0.0.1:9/a")
    assert isinstance(failure, FetchFailure)
    assert failure.reason == (
        "no download slot for 127.0.0.1: RuntimeError: Semaphore or Lock `barometer-host-1-x` not known."
    )


def _jobs_on_one_worker(settings_list) -> tuple[int, int]:
    """On a worker: an empty partition of each settings; the distinct cluster-wide leases among the
    fetchers made, and the fetchers kept."""
    for settings in settings_list:
        work.compute(Partition(0, "empty", ()), settings)
    gates = {id(f._host_gate) for (settings, wide), f in work._fetchers.items() if wide and settings in settings_list}
    return len(gates), len(work._fetchers)


def test_jobs_that_differ_only_in_their_database_share_one_worker_s_host_leases(settings, tmp_path, cluster):
    jobs = [replace(settings, db=str(tmp_path / f"job{i}.sqlite")) for i in range(work.KEPT_FETCHERS + 2)]
    with Client(cluster) as client:
        worker = next(iter(client.scheduler_info()["workers"]))
        two = client.submit(_jobs_on_one_worker, jobs[:2], pure=False, workers=[worker]).result(timeout=120)
        assert two[0] == 1
        many = client.submit(_jobs_on_one_worker, jobs, pure=False, workers=[worker]).result(timeout=120)
        assert many == (1, work.KEPT_FETCHERS)


def test_computing_a_partition_outside_a_dask_worker_says_why(settings):
    with pytest.raises(BatchError, match="cluster-wide per-host leases need a Dask worker"):
        work.compute(Partition(0, "empty", ()), settings)


def _fetch_each_and_probe(settings, urls: list[str], hosts: list[str]) -> list[str]:
    """On a worker: fetch each URL under one-a-host leases; after each, check within 5 s that every
    host's lease is free again. What each fetch gave, or the first lease left held."""
    fetcher = Fetcher(settings, host_gate=HostLeases(1))
    outcomes = []
    for url in urls:
        page = fetcher.fetch(url)
        outcomes.append(f"page {page.status}" if isinstance(page, Page) else page.reason)
        for host in hosts:
            probe = Semaphore(max_leases=1, name=lease_name(host, 1))
            if not probe.acquire(timeout=5):
                return [*outcomes, f"LEAKED: {host}'s lease still held after {url}"]
            probe.release()
    return outcomes


def test_every_failure_gives_its_host_lease_back(server, settings, tmp_path, cluster):
    server.routes["/missing"] = Reply(status=404, body=b"gone")
    server.routes["/silent"] = Reply(body=b"late", delay=4.0)
    server.routes["/drip"] = Reply(body=article_html("Drip", story(1)).encode(), chunks=30, delay=0.2)
    server.routes["/r1"] = Reply(status=302, headers={"Location": server.url("/r2")})
    server.routes["/r2"] = Reply(status=302, headers={"Location": "/r3"})
    server.routes["/r3"] = Reply(body=article_html("Landed", story(2)).encode())
    urls = [server.url(p) for p in ("/missing", "/silent", "/drip")]
    urls += [f"http://127.0.0.1:{free_port()}/closed", "http://127.0.0.2:8/refused", server.url("/r1")]
    # One host for the test's own pages; 127.0.0.2 is outside the networks allowed, so the guard refuses it.
    guarded = replace(settings, allow_private=False, allow_networks="127.0.0.1/32", per_host=1, retries=0)
    with Client(cluster) as client:
        probe = client.submit(_fetch_each_and_probe, guarded, urls, ["127.0.0.1", "127.0.0.2"], pure=False)
        outcomes = probe.result(timeout=120)
        client.run_on_scheduler(close_idle_semaphores)
    assert len(outcomes) == len(urls), outcomes[-1]  # a leaked lease is named, not waited for
    assert outcomes[:4] == [
        "HTTP 404 Not Found",
        "timed out after 2 s (no answer from the server)",
        "timed out after 2 s while reading the page",
        "connection refused",
    ]
    assert outcomes[4].startswith("refused: 127.0.0.2 is a loopback address")
    assert outcomes[5] == "page 200"  # through two redirects, each hop under its own lease


@pytest.mark.parametrize("scope", ["worker", "cluster"])
def test_the_command_passes_its_per_host_scope_to_the_batch(tmp_path, monkeypatch, capsys, scope):
    import pipeline.batch.run

    asked: list[str] = []

    def stop_here(*args, per_host_scope: str = "cluster", **kwargs):
        asked.append(per_host_scope)
        raise BatchError("stopped before any cluster")

    monkeypatch.setattr(pipeline.batch.run, "run_batch", stop_here)
    listed = write_list(tmp_path, "urls.txt", ["https://example.org/a"])
    given = ["--per-host-scope", scope] if scope == "worker" else []
    status = main(["batch", "--from", str(listed), "--db", str(tmp_path / "b.sqlite"), *given])
    assert (status, asked) == (1, [scope])
    assert "error: stopped before any cluster" in capsys.readouterr().err
