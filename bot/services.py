"""What every handler needs, gathered in one typed object (PTB's `bot_data`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from bot.core.clock import Clock
from bot.core.outsiders import RefusalBudget
from bot.core.plan import Plan
from bot.core.progress_data import ProgressData
from bot.rendering.i18n import Catalog
from bot.service.vitals import Vitals
from bot.settings import Settings
from storage.audit import AuditRepo
from storage.away import AwayRepo
from storage.database import Database
from storage.deliveries import DeliveryRepo
from storage.figures import FigureRepo
from storage.inbox import InboxRepo
from storage.invitations import InvitationRepo
from storage.progress import ProgressRepo
from storage.recipients import RecipientRepo
from storage.refusals import RefusalRepo
from storage.reports import ReportRepo
from storage.subscriptions import SubscriptionRepo
from storage.targets import TargetRepo
from storage.users import UserRepo


def progress_over(db: Database, plan: Plan, tz: tzinfo) -> ProgressData:
    """Standings and digests over one open database, with the figures and targets admins entered.

    The one wiring of progress: the bot, its exports, /annual and the command line all judge
    through it, so an admin's /target counts everywhere at once.
    """
    return ProgressData(ProgressRepo(db), plan, tz, figures=FigureRepo(db), targets=TargetRepo(db))


@dataclass
class Repositories:
    """The storage repositories, available once the database is open."""

    db: Database
    users: UserRepo
    invitations: InvitationRepo
    reports: ReportRepo
    inbox: InboxRepo
    refusals: RefusalRepo
    figures: FigureRepo
    audit: AuditRepo
    progress: ProgressRepo
    away: AwayRepo
    subscriptions: SubscriptionRepo
    deliveries: DeliveryRepo
    recipients: RecipientRepo
    targets: TargetRepo

    @classmethod
    def over(cls, db: Database) -> Repositories:
        """Create every repository over one open database."""
        return cls(
            db=db,
            users=UserRepo(db),
            invitations=InvitationRepo(db),
            reports=ReportRepo(db),
            inbox=InboxRepo(db),
            refusals=RefusalRepo(db),
            figures=FigureRepo(db),
            audit=AuditRepo(db),
            progress=ProgressRepo(db),
            away=AwayRepo(db),
            subscriptions=SubscriptionRepo(db),
            deliveries=DeliveryRepo(db),
            recipients=RecipientRepo(db),
            targets=TargetRepo(db),
        )


class Services:
    """Settings, plan, catalog, clock and (after start-up) the repositories."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._plan: Plan | None = None
        self._catalog: Catalog | None = None
        self._clock: Clock | None = None
        self._repos: Repositories | None = None
        self.refusals = RefusalBudget()
        """Which refusals to outsiders are sent (bot/core/outsiders.py)."""
        self.vitals = Vitals()
        """Counters and latest outcomes of this running application (bot/service/vitals.py)."""

    def configure(self, *, settings: Settings, plan: Plan, catalog: Catalog, clock: Clock) -> None:
        """Set what is known before the database opens."""
        self._settings, self._plan, self._catalog, self._clock = settings, plan, catalog, clock

    def attach(self, repos: Repositories | None) -> None:
        """Set (or clear, at shutdown) the repositories."""
        self._repos = repos

    @property
    def settings(self) -> Settings:
        """The bot's settings."""
        assert self._settings is not None, "services not configured"
        return self._settings

    @property
    def plan(self) -> Plan:
        """The mid-term plan."""
        assert self._plan is not None, "services not configured"
        return self._plan

    @property
    def catalog(self) -> Catalog:
        """The message catalogs."""
        assert self._catalog is not None, "services not configured"
        return self._catalog

    @property
    def clock(self) -> Clock:
        """Where the time comes from."""
        assert self._clock is not None, "services not configured"
        return self._clock

    @property
    def repos(self) -> Repositories:
        """The storage repositories."""
        assert self._repos is not None, "database not open"
        return self._repos

    def progress(self) -> ProgressData:
        """Standings and digests over the open database, with the figures and targets admins entered."""
        return progress_over(self.repos.db, self.plan, self.settings.tz)
