"""The sections of the settings: order source, segmentation rules, models, worker, delivery,
channels, the web process and Microsoft Teams."""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from config.base import Language, Strict
from config.mappings import ColumnMapping


class SourceSettings(Strict):
    """Where orders come from.

    ``store``: orders loaded into our own database with ``custseg load``. ``sql``: read in place from
    a table of the company's own database (never copied); the connection URL is a secret, so it is
    read from the environment variable named by ``url_env``. ``spark``: a table of a Spark catalogue
    (``schema_name`` is its database), aggregated by Spark SQL on ``spark_master``: ``local[2]``,
    ``spark://host:7077``, ``yarn``, or a Spark Connect URL ``sc://host:15002``; ``spark_conf``
    holds extra Spark settings (e.g. ``"spark.sql.session.timeZone" = "UTC"``). See docs/sources.md.
    """

    kind: Literal["store", "sql", "spark"] = "store"
    url_env: str = "CUSTSEG_SOURCE_URL"
    table: str | None = None
    schema_name: str | None = None
    columns: ColumnMapping | None = None
    spark_master: str = "local[*]"
    spark_conf: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _sql_needs_table(self) -> SourceSettings:
        if self.kind in ("sql", "spark"):
            missing = [k for k in ("table", "columns") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"source kind '{self.kind}' needs {', '.join(missing)}")
            assert self.columns is not None
            if self.columns.amount is None:
                raise ValueError(f"source kind '{self.kind}' needs an 'amount' column (net order value)")
        return self


class LifecycleSettings(Strict):
    """Lifecycle thresholds, in multiples of the customer's own typical gap between orders (days).

    A customer whose recency exceeds ``declining_after`` × gap is declining, ``dormant_after`` ×
    gap dormant, ``lost_after`` × gap lost. Customers with fewer than ``min_orders_for_rhythm``
    orders have no reliable rhythm of their own and are judged against the population's median gap.
    """

    new_window_days: int = Field(90, gt=0)
    declining_after: float = Field(2.0, gt=0)
    dormant_after: float = Field(4.0, gt=0)
    lost_after: float = Field(7.5, gt=0)
    min_orders_for_rhythm: int = Field(3, ge=2)
    min_gap_days: float = Field(1.0, gt=0)
    trend_window_days: int = Field(90, gt=0)
    trend_decline: float = Field(-0.5, lt=0, description="90-day revenue change that marks decline")

    @model_validator(mode="after")
    def _ordered(self) -> LifecycleSettings:
        if not self.declining_after < self.dormant_after < self.lost_after:
            raise ValueError("need declining_after < dormant_after < lost_after")
        return self


class ValueTierSettings(Strict):
    """Pareto-style tiers: customers ranked by ``basis``; those making the first ``high_share`` of
    the total are high value, up to ``medium_share`` medium, the rest low.

    ``basis``: ``revenue`` (net revenue to date), ``clv`` (expected lifetime value over the model
    horizon), or ``revenue_plus_clv`` (revenue to date plus the revenue expected over the horizon,
    so a big customer gone quiet stays high value). The model-based bases apply only when the
    models fit the book; otherwise tiers use revenue and the snapshot notes say so.
    """

    basis: Literal["revenue", "clv", "revenue_plus_clv"] = "revenue_plus_clv"
    high_share: float = Field(0.5, gt=0, lt=1)
    medium_share: float = Field(0.8, gt=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self) -> ValueTierSettings:
        if not self.high_share < self.medium_share:
            raise ValueError("need high_share < medium_share")
        return self


class ModelSettings(Strict):
    """Predictive models (``custseg.models``): BG/NBD purchase frequency, Gamma-Gamma spend, CLV.

    ``horizon_months``: lifetime value covers the next this many months. ``forecast_days``: the
    window of the per-customer expected purchases, in days. ``margin``: share of order value that
    is profit (1 = lifetime value in revenue terms). ``annual_discount_rate``: e.g. 0.1 = 10 % a
    year. ``min_repeat_customers``: below this many customers with a repeat purchase the models are
    not fitted and the rules are used. ``dormant_p_alive``: a repeat buyer whose probability of
    still being active is below this is dormant.
    """

    enabled: bool = True
    horizon_months: int = Field(12, ge=1, le=120)
    forecast_days: int = Field(90, ge=1)
    margin: float = Field(1.0, gt=0, le=1)
    annual_discount_rate: float = Field(0.10, ge=0, lt=1)
    min_repeat_customers: int = Field(30, ge=2)
    dormant_p_alive: float = Field(0.3, gt=0, lt=1)


class KeyAccountSettings(Strict):
    """Key accounts: the top ``per_owner`` customers of each account manager by ``basis``, among
    those with at least ``min_revenue``. A key account leaves only after failing the criteria in
    ``leave_after_misses`` consecutive snapshots, so membership is stable. A book with no account
    managers at all (no owner column) has no owners to take the top of: its key accounts are the
    top ``without_owners`` customers of the whole book instead."""

    per_owner: int = Field(5, ge=1)
    without_owners: int = Field(25, ge=1, description="key accounts of a book with no account managers")
    basis: Literal["revenue", "clv"] = "revenue"
    min_revenue: float = Field(0.0, ge=0)
    leave_after_misses: int = Field(3, ge=1)


class WorkerSettings(Strict):
    """The worker process: how often it looks for due posts and new subscriptions, when it rebuilds
    the snapshot, and how late a missed digest may still go out. Times are HH:MM in ``timezone``."""

    poll_seconds: int = Field(30, ge=1, le=60, description="subscriptions picked up within this many seconds")
    refresh_time: str = Field("02:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="nightly snapshot")
    misfire_grace_hours: float = Field(
        24, gt=0, description="a digest missed by longer (worker down) is skipped with a warning"
    )
    alert_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "daily"] = Field(
        "daily", description="default schedule of churn alerts said in chat"
    )
    alert_time: str = Field("08:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class DeliverySettings(Strict):
    """Posting through the outbox: a failed post is retried after ``backoff_seconds``, doubling each
    time up to ``max_backoff_seconds`` (or as long as the platform asks), and parked as failed
    after ``max_attempts``. A worker holds a post for ``lease_seconds`` while sending it."""

    max_attempts: int = Field(8, ge=1)
    backoff_seconds: float = Field(30, gt=0)
    max_backoff_seconds: float = Field(3600, gt=0)
    lease_seconds: float = Field(300, gt=0)
    interval_seconds: float = Field(5, gt=0, description="how often the worker drains the outbox")


class ChurnSettings(Strict):
    """Churn model (``custseg.models.churn``): horizon, risk bands, when a book is too small.

    ``horizon_days`` H: churn means no order in the next H days. Unset, H is ``horizon_gaps`` × the
    median typical gap between orders, clipped to [``min_horizon_days``, ``max_horizon_days``].
    Customers whose calibrated churn probability is at least ``high`` are high risk, at least
    ``medium`` medium. The classifier is trained only with ``min_events_per_feature`` churners and
    non-churners per model feature in the training window; otherwise the lifecycle rule is kept.
    """

    horizon_days: int | None = Field(None, gt=0)
    horizon_gaps: float = Field(2.0, gt=0)
    min_horizon_days: int = Field(28, gt=0)
    max_horizon_days: int = Field(182, gt=0)
    high: float = Field(0.7, gt=0, lt=1)
    medium: float = Field(0.4, gt=0, lt=1)
    min_events_per_feature: int = Field(10, ge=1)
    random_state: int = 0

    @model_validator(mode="after")
    def _ordered(self) -> ChurnSettings:
        problems = []
        if not self.medium < self.high:
            problems.append("need medium < high")
        if not self.min_horizon_days <= self.max_horizon_days:
            problems.append("need min_horizon_days ≤ max_horizon_days")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ChannelSettings(Strict):
    """Where customer data may be posted. ``allow_external`` lists channels shared with other
    organisations (Slack Connect, Teams chats with guests or other tenants) that an admin allows
    anyway, as ``"platform:channel_id"``, e.g. ``"slack:C123"``."""

    allow_external: list[str] = Field(default_factory=list)
    heartbeat_minutes: float = Field(5.0, gt=0, description="doctor warns when the worker is quiet longer")

    def external_allowed(self, platform: str, channel_id: str) -> bool:
        return f"{platform}:{channel_id}" in self.allow_external


class BotSettings(Strict):
    """How the bot speaks. ``language`` is the answer's language when neither the person's setting
    (``[people]``'s ``language``), the chat platform's locale nor the message itself says one."""

    language: Language = "en"


class ConversationSettings(Strict):
    """Follow-ups in a chat: a conversation idle for longer than ``idle_minutes`` is forgotten, and
    the next message is read on its own. ``max_rows`` rows of the last list are remembered for
    "the second one" (a list shows fewer)."""

    idle_minutes: float = Field(30.0, gt=0, description="a conversation idle longer starts afresh")
    max_rows: int = Field(100, ge=1, le=1000)


class WebSettings(Strict):
    """The web process as the outside world reaches it.

    ``public_url`` is the web process's public base URL (``https://custseg.example.com``; the
    environment variable ``CUSTSEG_PUBLIC_URL`` overrides it). With it, charts in Teams cards are
    images the web process serves at ``/charts/…``; without it they are shown as numbers when too
    large to embed. It must be https, except on this machine (``http://127.0.0.1:…``, for tests).
    Chart images are served for ``chart_days`` days, then the worker's daily sweep removes them.
    An exported file's download link (Teams) works for ``export_minutes`` minutes.
    """

    public_url: str | None = None
    chart_days: int = Field(30, ge=1)
    export_minutes: int = Field(15, ge=1, le=24 * 60)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        url = value.strip().rstrip("/")
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            parts.port  # noqa: B018  raises on a port that is not a number
        except ValueError:
            raise ValueError(f"public_url '{url}' is not a URL") from None
        if parts.scheme not in ("https", "http") or not host:
            raise ValueError(f"public_url '{url}' must be an https:// URL, e.g. https://custseg.example.com")
        if parts.scheme == "http" and not is_loopback_host(host):
            raise ValueError(f"public_url '{url}' must use https (plain http only for this machine)")
        if parts.username or parts.password or parts.query or parts.fragment:
            # Not echoed: a user part may hold a password.
            raise ValueError("public_url must be a plain base URL, without user, password, query or fragment")
        return url


# Hosts reserved for examples (RFC 2606): a package URL on one of them was never filled in.
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net")


def placeholder_url(url: str) -> bool:
    """Whether ``url`` is a placeholder: empty, "unset", or on a host reserved for examples."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    if not url.strip() or url.strip().lower() == "unset" or not host:
        return True
    return any(host == h or host.endswith(f".{h}") for h in PLACEHOLDER_HOSTS)


class TeamsAppSettings(Strict):
    """What the Teams app package says about its publisher (``[msteams.app]``): the name shown as
    the developer (at most 32 characters) and the https pages Teams links from the app's details:
    support (``website_url``), privacy and terms of use. The shipped values are placeholders;
    ``custseg doctor`` warns until they are replaced."""

    developer_name: str = Field("custseg", min_length=1, max_length=32)
    website_url: str = "https://example.com/custseg"
    privacy_url: str = "https://example.com/custseg/privacy"
    terms_url: str = "https://example.com/custseg/terms"

    @field_validator("website_url", "privacy_url", "terms_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if value.strip().lower() == "unset":
            return "unset"
        parts = urlsplit(value.strip())
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(f"'{value}' must be an https:// URL (Teams links it from the app's details)")
        return value.strip()

    def placeholders(self) -> dict[str, str]:
        """The settings still holding a placeholder URL, by name."""
        urls = {"website_url": self.website_url, "privacy_url": self.privacy_url, "terms_url": self.terms_url}
        return {name: url for name, url in urls.items() if placeholder_url(url)}


class MsTeamsSettings(Strict):
    """How ``/api/messages`` (Microsoft Teams) checks who is calling, and what the app package
    says of its publisher (``app``, ``[msteams.app]``).

    ``local_mode`` must be switched on explicitly to run Teams without the app registration (the
    Agents Playground, the tests): no tokens are checked then, and only ``serviceUrl``s on this
    machine are answered. It is never inferred from where a request comes from (behind a reverse
    proxy every request looks local). ``openid_metadata_url`` is where the Bot Framework's signing
    keys are discovered (its ``jwks_uri``); ``service_hosts`` adds hosts a ``serviceUrl`` may name
    besides Microsoft's (plain http only for this machine), e.g. a stand-in connector in tests.
    """

    local_mode: bool = False
    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    service_hosts: list[str] = Field(default_factory=list)
    app: TeamsAppSettings = TeamsAppSettings()

    @field_validator("openid_metadata_url")
    @classmethod
    def _metadata_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme == "https" and parts.hostname:
            return value.strip()
        if parts.scheme == "http" and is_loopback_host(parts.hostname):
            return value.strip()
        raise ValueError(
            f"openid_metadata_url '{value}' must be an https:// URL (plain http only for this machine)"
        )


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
