"""/metrics: counters from the central hooks plus gauges computed at scrape time.

Most figures are read when Prometheus asks, from the database and the files (a custom
collector over a fresh `Snapshot`), rather than counted along the way: the inbox backlog
and its oldest update's age, reports stored by indicator, digest and reminder runs, the last
backup, the database's size. Labels carry indicator ids, kinds and states only.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.service.snapshot import Snapshot
from bot.service.vitals import Vitals


class SnapshotCollector(Collector):
    """Gauges and counters read from the latest snapshot."""

    def __init__(self, vitals: Vitals) -> None:
        self._vitals = vitals
        self.snapshot: Snapshot | None = None

    def describe(self) -> list[Metric]:
        """Nothing to describe up front (the metrics depend on the snapshot)."""
        return []

    def collect(self) -> Iterator[Metric]:
        """The metrics of the latest snapshot and the process's latest outcomes."""
        vitals = self._vitals
        yield _gauge("fieldbot_start_time_seconds", "When the bot started (Unix time)", vitals.started_at)
        if vitals.last_poll_ok is not None:
            yield _gauge(
                "fieldbot_last_successful_poll_seconds", "Last getUpdates that Telegram answered (Unix time)",
                vitals.last_poll_ok,
            )  # fmt: skip
        yield _gauge(
            "fieldbot_poll_failures_in_row",
            "getUpdates failures since the last success",
            vitals.poll_failures,
        )
        failing = 1.0 if vitals.backup is not None and not vitals.backup.ok else 0.0
        yield _gauge("fieldbot_backup_failing", "1 while the latest backup attempt failed", failing)
        snapshot = self.snapshot
        if snapshot is None:
            return
        yield _gauge(
            "fieldbot_database_bytes",
            "Database size on disk, write-ahead log included",
            snapshot.database_bytes,
        )
        if snapshot.disk_free_bytes is not None:
            yield _gauge(
                "fieldbot_disk_free_bytes", "Free space where the database lives", snapshot.disk_free_bytes
            )
        if snapshot.last_backup is not None:
            backup = snapshot.last_backup
            yield _gauge(
                "fieldbot_last_backup_seconds",
                "When the newest backup was written (Unix time)",
                backup.taken_at,
            )
            yield _gauge("fieldbot_last_backup_bytes", "Size of the newest backup", backup.size)
        yield from _stats(snapshot)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _stats(snapshot: Snapshot) -> Iterator[Metric]:
    stats = snapshot.stats
    if stats is None:
        return
    yield _gauge("fieldbot_inbox_backlog", "Stored updates not handled yet", stats.inbox_pending)
    oldest = stats.inbox_oldest_pending
    age = (snapshot.now - oldest).total_seconds() if oldest is not None else 0.0
    yield _gauge("fieldbot_inbox_oldest_seconds", "Age of the oldest update not handled yet", max(age, 0.0))
    reports = CounterMetricFamily(
        "fieldbot_reports_stored", "Reports stored, by indicator (voided ones included)", labels=["indicator"]
    )
    for indicator, count in sorted(stats.reports_by_indicator.items()):
        reports.add_metric([indicator], count)
    yield reports
    yield CounterMetricFamily("fieldbot_reports_voided", "Reports voided (/undo)", value=stats.voided_reports)
    yield CounterMetricFamily(
        "fieldbot_refusals", "Outsiders and disabled users turned away (audited, one per user per hour)",
        value=stats.refusals,
    )  # fmt: skip
    deliveries = GaugeMetricFamily(
        "fieldbot_deliveries", "Digest and reminder messages by state", labels=["kind", "state"]
    )
    for (kind, state), count in sorted(stats.deliveries_by_state.items()):
        deliveries.add_metric([kind, state], count)
    yield deliveries
    runs = GaugeMetricFamily("fieldbot_runs", "Digest and reminder runs by state", labels=["kind", "state"])
    for kind, count in sorted(stats.runs_by_kind.items()):
        pending = sum(1 for run in stats.unfinished_runs if run.kind == kind)
        runs.add_metric([kind, "due"], count)
        runs.add_metric([kind, "sent"], count - pending)
        runs.add_metric([kind, "pending"], pending)
    yield runs


def exposition(vitals: Vitals, collector: SnapshotCollector, snapshot: Snapshot) -> bytes:
    """The text Prometheus reads, with the snapshot just taken."""
    collector.snapshot = snapshot
    return generate_latest(vitals.registry)
