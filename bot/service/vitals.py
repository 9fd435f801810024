"""What the running process knows about itself: counters fed at a few central hooks, and the
intake's, the Bot API's and the nightly backup's latest outcomes.

One `Vitals` per application (in `Services`), with its own Prometheus registry, so that two
applications in one process (tests, the demo) never share counts. Labels carry only fixed
words chosen by the code (a Bot API method, an outcome, an exception class, a handler's
function name): never a name, an id or text from a user.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

POLL_FAILURES_UNHEALTHY = 5
"""getUpdates failures in a row after which intake counts as not alive."""
API_FAILURES_ALERT = 10
"""Bot API calls failing in a row (no answer, 5xx, 401) after which the admins hear of it."""


@dataclass(frozen=True)
class ApiOutage:
    """A stretch of Bot API failures long enough to tell the admins, now over."""

    started: float
    ended: float
    failures: int


@dataclass
class BackupOutcome:
    """The latest nightly backup attempt."""

    ok: bool
    at: float
    error: str = ""


class Vitals:
    """Counters and latest outcomes of one running application."""

    def __init__(self) -> None:
        self.started_at = time.time()
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates_received = Counter(
            "fieldbot_updates_received", "Updates stored in the inbox", registry=self.registry
        )
        self.updates_handled = Counter(
            "fieldbot_updates_handled", "Updates whose handlers finished and were marked done",
            registry=self.registry,
        )  # fmt: skip
        self.handler_errors = Counter(
            "fieldbot_handler_errors", "Errors raised by handlers, by exception class", ["kind"],
            registry=self.registry,
        )  # fmt: skip
        self.handler_seconds = Histogram(
            "fieldbot_handler_seconds", "Time a handler took, by handler", ["handler"],
            registry=self.registry, buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )  # fmt: skip
        self.api_requests = Counter(
            "fieldbot_bot_api_requests", "Bot API calls by method and outcome", ["method", "outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.messages_sent = Counter(
            "fieldbot_messages_sent", "Messages, photos and files Telegram accepted", registry=self.registry
        )
        self.too_many_requests = Counter(
            "fieldbot_bot_api_429", "Bot API answers 429 Too Many Requests", registry=self.registry
        )
        self.forbidden = Counter(
            "fieldbot_bot_api_403", "Bot API answers 403 Forbidden (a user blocked the bot)",
            registry=self.registry,
        )  # fmt: skip
        self.backup_attempts = Counter(
            "fieldbot_backup_attempts", "Nightly backup attempts (retries included) by outcome", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.mode = "polling"
        self.intake_alive = False
        self.last_poll_ok: float | None = None
        self.poll_failures = 0
        self.api_failures = 0
        self.first_api_failure: float | None = None
        self.api_outages: list[ApiOutage] = []
        """Outages over but not yet told to the admins (the alerts take them)."""
        self.backup: BackupOutcome | None = None

    # ------------------------------------------------------------------ hooks
    def api_answered(self, method: str, status: int) -> None:
        """A Bot API call got an HTTP answer (the request layer calls this)."""
        outcome = "ok" if status < 300 else str(status)
        self.api_requests.labels(method=method, outcome=outcome).inc()
        if status == 429:
            self.too_many_requests.inc()
        elif status == 403:
            self.forbidden.inc()
        failed = status >= 500 or status == 401
        if method == "getUpdates":
            self._polled(ok=status < 300 or status == 409 or status == 429)
        if failed:
            self._api_failed()
        else:
            self._api_works()
            if status < 300 and method.startswith("send"):
                self.messages_sent.inc()

    def api_unreachable(self, method: str) -> None:
        """A Bot API call got no answer (timeout, connection refused)."""
        self.api_requests.labels(method=method, outcome="no_answer").inc()
        self._api_failed()
        if method == "getUpdates":
            self._polled(ok=False)

    def _api_failed(self) -> None:
        if self.api_failures == 0:
            self.first_api_failure = time.time()
        self.api_failures += 1

    def _api_works(self) -> None:
        now = time.time()
        if self.api_failing() and self.first_api_failure is not None:
            self.api_outages.append(ApiOutage(self.first_api_failure, now, self.api_failures))
        self.api_failures = 0
        self.first_api_failure = None

    def _polled(self, *, ok: bool) -> None:
        if ok:
            self.poll_failures = 0
            self.last_poll_ok = time.time()
        else:
            self.poll_failures += 1

    def intake_started(self, mode: str) -> None:
        """Polling or the webhook started."""
        self.mode = mode
        self.intake_alive = True

    def intake_stopped(self) -> None:
        """Polling or the webhook stopped."""
        self.intake_alive = False

    def backup_done(self, *, ok: bool, error: str = "") -> None:
        """The nightly backup (or its retry) succeeded or failed."""
        self.backup = BackupOutcome(ok=ok, at=time.time(), error=error)
        self.backup_attempts.labels(outcome="ok" if ok else "failed").inc()

    # ------------------------------------------------------------------ judgements
    def intake_problem(self) -> tuple[str, dict[str, object]] | None:
        """Why intake is not alive, as a catalog key (health.*) with its values, or None."""
        if not self.intake_alive:
            return "health.intake_down", {"mode": self.mode}
        if self.mode == "polling" and self.poll_failures >= POLL_FAILURES_UNHEALTHY:
            return "health.polling_failing", {"failures": self.poll_failures}
        return None

    def api_failing(self) -> bool:
        """The Bot API has failed too many calls in a row."""
        return self.api_failures >= API_FAILURES_ALERT
