"""Per-host politeness across a real Dask cluster (pipeline.batch.hosts): a site sees at most
``per_host`` downloads at once from a batch of several workers, and other sites do not wait for it."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from distributed import Client, LocalCluster, Semaphore

from pipeline.batch.hosts import HostLeases, lease_name
from pipeline.batch.run import run_batch
from pipeline.inputs import stream_url_file
from tests.httpserver import Reply, TestServer, article_html
from tests.test_batch import story


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes with one thread each: two partitions run at once, one per worker."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


class Gauge:
    """Requests held at once, and the most seen."""

    def __init__(self) -> None:
        self.now = self.peak = 0
        self.lock = threading.Lock()

    def up(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)

    def down(self) -> None:
        with self.lock:
            self.now -= 1


class HeldAtOnce(Gauge):
    """Serves story pages after ``delay`` seconds, counting the requests the site holds at once
    (and, in ``also``, those of several sites together)."""

    def __init__(self, server: TestServer, pages: int, delay: float, *, first: int = 0, also: Gauge | None = None):
        super().__init__()
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
    site = HeldAtOnce(server, pages=16, delay=0.25)
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
    site.peak = 0
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
    both = Gauge()
    with TestServer("127.0.0.2") as second:
        one = HeldAtOnce(server, pages=12, delay=0.25, also=both)
        two = HeldAtOnce(second, pages=12, delay=0.25, first=12, also=both)
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
