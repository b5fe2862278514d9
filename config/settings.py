"""The one typed settings object, and column mappings for input files.

Settings are read from ``config/custseg.toml`` (shipped defaults), then from the file named by
``CUSTSEG_CONFIG`` if set (only the keys it gives are overridden), then from environment variables
for anything secret or deployment-specific. Validation happens once, at start-up, and reports every
problem at once.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
import zoneinfo
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from custseg.errors import ConfigError

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULTS_FILE = CONFIG_DIR / "custseg.toml"
MAPPINGS_DIR = CONFIG_DIR / "mappings"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnMapping(_Strict):
    """Which input column holds which order field.

    Either ``amount`` (net order value in currency units) or both ``quantity`` and ``unit_price``
    (revenue = quantity × unit price, summed per order) must be given. Without ``order_id`` every
    line is its own order.
    """

    customer_id: str
    ordered_at: str
    amount: str | None = None
    quantity: str | None = None
    unit_price: str | None = None
    order_id: str | None = None
    customer_name: str | None = None
    owner: str | None = None
    region: str | None = None

    @model_validator(mode="after")
    def _revenue_source(self) -> ColumnMapping:
        if self.amount is None and (self.quantity is None or self.unit_price is None):
            raise ValueError("give either 'amount', or both 'quantity' and 'unit_price'")
        if self.amount is not None and (self.quantity is not None or self.unit_price is not None):
            raise ValueError("give 'amount' or 'quantity' + 'unit_price', not both")
        return self

    def used(self) -> dict[str, str]:
        """Field name → input column, for the fields this mapping uses."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class FileFormat(_Strict):
    """How to read the file: delimiter (``"whitespace"`` for runs of blanks), header, dates."""

    delimiter: str = ","
    header: bool = True
    names: list[str] | None = None
    date_format: str | None = Field(None, description="strptime format; None means ISO 8601")
    encoding: str = "utf-8"
    cancellation_prefix: str | None = Field(
        None, description="order ids starting with this are cancellations/returns (negative amounts)"
    )
    skip_missing_customer: bool = Field(
        False, description="skip and count lines without a customer id instead of rejecting the file"
    )

    @model_validator(mode="after")
    def _names_without_header(self) -> FileFormat:
        if not self.header and not self.names:
            raise ValueError("a file without a header needs 'names' (the column names in order)")
        return self


class Mapping(_Strict):
    """A named column mapping for one kind of order file."""

    name: str
    description: str = ""
    columns: ColumnMapping
    format: FileFormat = FileFormat()
    # The symbol amounts are shown with (e.g. "£"); used unless the settings name a currency.
    currency: str | None = Field(None, min_length=1, max_length=4)


class SourceSettings(_Strict):
    """Where orders come from.

    ``store``: orders loaded into our own database with ``custseg load``. ``sql``: read in place from
    a table of the company's own database (never copied); the connection URL is a secret, so it is
    read from the environment variable named by ``url_env``.
    """

    kind: Literal["store", "sql"] = "store"
    url_env: str = "CUSTSEG_SOURCE_URL"
    table: str | None = None
    schema_name: str | None = None
    columns: ColumnMapping | None = None

    @model_validator(mode="after")
    def _sql_needs_table(self) -> SourceSettings:
        if self.kind == "sql":
            missing = [k for k in ("table", "columns") if getattr(self, k) is None]
            if missing:
                raise ValueError(f"source kind 'sql' needs {', '.join(missing)}")
            assert self.columns is not None
            if self.columns.amount is None:
                raise ValueError("source kind 'sql' needs an 'amount' column (net order value)")
        return self


class LifecycleSettings(_Strict):
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


class ValueTierSettings(_Strict):
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


class ModelSettings(_Strict):
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


class KeyAccountSettings(_Strict):
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


class PlayMatch(_Strict):
    """Which customers a play is for: every key given must match one of its listed snapshot labels.

    ``min_orders`` / ``max_orders`` bound the customer's number of orders so far (inclusive), so a
    play can fit the customer's actual history (an onboarding play for one order only).
    """

    segment: list[str] | None = None
    lifecycle: list[str] | None = None
    lifecycle_reason: list[str] | None = None
    value_tier: list[str] | None = None
    churn_risk: list[str] | None = None
    key_account: bool | None = None
    min_orders: int | None = Field(None, ge=0)
    max_orders: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _known_labels(self) -> PlayMatch:
        from custseg.lifecycle import REASONS
        from custseg.schema import LEVELS, SEGMENTS, STAGES

        known = {
            "segment": SEGMENTS,
            "lifecycle": STAGES,
            "lifecycle_reason": REASONS,
            "value_tier": LEVELS,
            "churn_risk": LEVELS,
        }
        problems = [
            f"{key} '{value}' is not one of {', '.join(names)}"
            for key, names in known.items()
            for value in getattr(self, key) or []
            if value not in names
        ]
        if self.min_orders is not None and self.max_orders is not None and self.min_orders > self.max_orders:
            problems.append(f"min_orders {self.min_orders} is above max_orders {self.max_orders}")
        if problems:
            raise ValueError("; ".join(problems))
        if not self.model_fields_set:
            raise ValueError('give at least one condition, e.g. when = { lifecycle = ["dormant"] }')
        return self


class Play(_Strict):
    """One situation and the action it calls for.

    ``task`` names the action in a few words (the chat's sentence for a shipped play lives in
    bot/wording.py); the account manager gets ``due_days`` days to do it once approved.
    ``expected_win_back`` is the assumed share of customers the action wins back (0–1), used for
    the expected value until ``custseg actions report`` has measured the real rate.
    """

    when: PlayMatch
    task: str = Field(min_length=1)
    due_days: int = Field(7, ge=1)
    expected_win_back: float = Field(0.2, gt=0, le=1)
    enabled: bool = True


class PlaybookSettings(_Strict):
    """Win-back suggestions: plays tried in order (the first that fits a customer wins), and how
    long things take. All durations in days."""

    plays: dict[str, Play] = Field(default_factory=dict)
    window_days: int = Field(30, ge=1, description="did the customer order again within this many days")
    snooze_days: int = Field(7, ge=1)
    expire_after_days: int = Field(
        14, ge=1, description="a suggestion nobody decided, or an approved task not done, expires"
    )


class WorkerSettings(_Strict):
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


class DeliverySettings(_Strict):
    """Posting through the outbox: a failed post is retried after ``backoff_seconds``, doubling each
    time up to ``max_backoff_seconds`` (or as long as the platform asks), and parked as failed
    after ``max_attempts``. A worker holds a post for ``lease_seconds`` while sending it."""

    max_attempts: int = Field(8, ge=1)
    backoff_seconds: float = Field(30, gt=0)
    max_backoff_seconds: float = Field(3600, gt=0)
    lease_seconds: float = Field(300, gt=0)
    interval_seconds: float = Field(5, gt=0, description="how often the worker drains the outbox")


class ChurnSettings(_Strict):
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


Role = Literal["admin", "manager", "account_manager", "viewer"]
Scope = Literal["own", "team", "all"]
DEFAULT_SCOPE: dict[str, Scope] = {
    "admin": "all",
    "manager": "team",
    "account_manager": "own",
    "viewer": "team",
}


class Person(_Strict):
    """Someone who uses custseg, and how chat platforms know them.

    ``owner`` is their name in the data's account-manager column (their book); ``teams`` are the
    teams they belong to or, for managers, manage. ``scope`` overrides the role's default data scope
    (admin: all, manager: team, account_manager: own, viewer: team).
    """

    name: str
    role: Role = "account_manager"
    owner: str | None = None
    teams: list[str] = Field(default_factory=list)
    scope: Scope | None = None
    slack_id: str | None = None
    teams_id: str | None = None
    email: str | None = None

    @property
    def data_scope(self) -> Scope:
        return self.scope or DEFAULT_SCOPE[self.role]


class TeamSettings(_Strict):
    """A team is a group of account managers' books (names as in the data's owner column)."""

    members: list[str] = Field(default_factory=list)


class ChannelSettings(_Strict):
    """Where customer data may be posted. ``allow_external`` lists channels shared with other
    organisations (Slack Connect, Teams chats with guests or other tenants) that an admin allows
    anyway, as ``"platform:channel_id"``, e.g. ``"slack:C123"``."""

    allow_external: list[str] = Field(default_factory=list)
    heartbeat_minutes: float = Field(5.0, gt=0, description="doctor warns when the worker is quiet longer")

    def external_allowed(self, platform: str, channel_id: str) -> bool:
        return f"{platform}:{channel_id}" in self.allow_external


class WebSettings(_Strict):
    """The web process as the outside world reaches it.

    ``public_url`` is the web process's public base URL (``https://custseg.example.com``; the
    environment variable ``CUSTSEG_PUBLIC_URL`` overrides it). With it, charts in Teams cards are
    images the web process serves at ``/charts/…``; without it they are shown as numbers when too
    large to embed. It must be https, except on this machine (``http://127.0.0.1:…``, for tests).
    Chart images are served for ``chart_days`` days, then the worker's daily sweep removes them.
    """

    public_url: str | None = None
    chart_days: int = Field(30, ge=1)

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


class MsTeamsSettings(_Strict):
    """How ``/api/messages`` (Microsoft Teams) checks who is calling.

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


class Settings(_Strict):
    """Everything custseg needs, validated once at start-up."""

    database_url: str = "sqlite:///var/custseg.db"
    source: SourceSettings = SourceSettings()
    lifecycle: LifecycleSettings = LifecycleSettings()
    value_tiers: ValueTierSettings = ValueTierSettings()
    key_accounts: KeyAccountSettings = KeyAccountSettings()
    models: ModelSettings = ModelSettings()
    churn: ChurnSettings = ChurnSettings()
    playbook: PlaybookSettings = PlaybookSettings()
    worker: WorkerSettings = WorkerSettings()
    delivery: DeliverySettings = DeliverySettings()
    channels: ChannelSettings = ChannelSettings()
    web: WebSettings = WebSettings()
    msteams: MsTeamsSettings = MsTeamsSettings()
    # Unset here: the currency of the loaded files' column mapping, else "$" (bot.freshness).
    currency: str = "$"
    stale_after_days: int = Field(
        3, ge=0, description="answers on a snapshot older than this many days carry a warning"
    )
    timezone: str = Field("UTC", description="IANA time zone for schedules said in chat")
    users: dict[str, str] = Field(
        default_factory=dict, description="shorthand: chat user id → account-manager name (own book)"
    )
    people: dict[str, Person] = Field(default_factory=dict)
    teams: dict[str, TeamSettings] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_teams(self) -> Settings:
        unknown = sorted({t for p in self.people.values() for t in p.teams} - set(self.teams))
        if unknown:
            raise ValueError(f"people refer to teams not defined under [teams]: {', '.join(unknown)}")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # Checked at start-up so an unknown zone is a settings error, not a failure at the first load.
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as 'Europe/Berlin' or 'UTC'"
            ) from None
        return value

    def person(self, platform: str, user_id: str, email: str | None = None) -> Person | None:
        """Who a chat user is: by platform id (slack_id / teams_id), then e-mail, then the ``users`` shorthand."""
        for p in self.people.values():
            if (platform == "slack" and p.slack_id == user_id) or (
                platform == "teams" and p.teams_id == user_id
            ):
                return p
        if email:
            for p in self.people.values():
                if p.email and p.email.lower() == email.lower():
                    return p
        owner = self.users.get(user_id)
        if owner is not None:
            return Person(name=owner, owner=owner, role="account_manager")
        return None

    @property
    def open_access(self) -> bool:
        """No people are configured: a local, single-user setup (the demo) where everyone sees everything."""
        return not self.people and not self.users

    def scope_owners(self, person: Person | None) -> frozenset[str] | None:
        """The account managers whose customers ``person`` may see; None means every customer.

        Unknown people see nothing (an empty set) unless access is open.
        """
        if person is None:
            return None if self.open_access else frozenset()
        scope = person.data_scope
        if scope == "all":
            return None
        owners = {person.owner} if person.owner else set()
        if scope == "team":
            owners |= self.team_members(person.teams)
        return frozenset(owners)

    def team_members(self, team_names: list[str]) -> set[str]:
        """The account managers (owner names) whose books make up these teams."""
        return {m for t in team_names if t in self.teams for m in self.teams[t].members}

    def teams_of_owner(self, owner: str | None) -> list[str]:
        """The teams whose books include this account manager's customers."""
        return sorted(name for name, t in self.teams.items() if owner is not None and owner in t.members)

    def source_url(self) -> str:
        """The company database URL for a ``sql`` source, from the environment."""
        url = os.environ.get(self.source.url_env)
        if not url:
            raise ConfigError(
                f"The order source is a database table, but {self.source.url_env} is not set. "
                f"Export it with the SQLAlchemy URL of that database, e.g. "
                f"{self.source.url_env}=postgresql+psycopg://user@host/dbname"
            )
        return url


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Settings file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from None


def _explain(err: ValidationError, origin: str) -> ConfigError:
    lines = [f"  {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in err.errors()]
    return ConfigError(f"{origin} has {len(lines)} problem(s):\n" + "\n".join(lines))


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read and validate the settings.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file whose keys override the shipped defaults. Defaults to ``$CUSTSEG_CONFIG``.
    env : dict, optional
        The environment to read (defaults to ``os.environ``); ``CUSTSEG_DATABASE_URL`` overrides
        ``database_url``, ``CUSTSEG_PUBLIC_URL`` ``[web] public_url``.
    """
    env = dict(os.environ) if env is None else env
    data = _read_toml(DEFAULTS_FILE)
    origin = str(DEFAULTS_FILE)
    path = path or env.get("CUSTSEG_CONFIG")
    if path:
        data = _deep_merge(data, _read_toml(Path(path)))
        origin = str(path)
    if env.get("CUSTSEG_DATABASE_URL"):
        data["database_url"] = env["CUSTSEG_DATABASE_URL"]
    if env.get("CUSTSEG_PUBLIC_URL"):
        data["web"] = {**data.get("web", {}), "public_url": env["CUSTSEG_PUBLIC_URL"]}
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        raise _explain(err, origin) from None


def list_mappings() -> list[str]:
    """Names of the shipped column mappings."""
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))


def load_mapping(name_or_path: str | Path) -> Mapping:
    """A column mapping by shipped name (``online_retail``) or by path to a TOML file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = MAPPINGS_DIR / f"{name_or_path}.toml"
        if not path.exists():
            raise ConfigError(
                f"There is no column mapping called '{name_or_path}'. "
                f"Shipped mappings: {', '.join(list_mappings())}; or pass the path of your own TOML file."
            )
    data = _read_toml(path)
    data.setdefault("name", path.stem)
    try:
        return Mapping.model_validate(data)
    except ValidationError as err:
        raise _explain(err, str(path)) from None
