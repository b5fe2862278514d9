"""The one typed settings object, and column mappings for input files.

Settings are read from ``config/custseg.toml`` (shipped defaults), then from the file named by
``CUSTSEG_CONFIG`` if set (only the keys it gives are overridden), then from environment variables
for anything secret or deployment-specific. Validation happens once, at start-up, and reports every
problem at once.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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
    the total are high value, up to ``medium_share`` medium, the rest low."""

    basis: Literal["revenue", "clv"] = "revenue"
    high_share: float = Field(0.5, gt=0, lt=1)
    medium_share: float = Field(0.8, gt=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self) -> ValueTierSettings:
        if not self.high_share < self.medium_share:
            raise ValueError("need high_share < medium_share")
        return self


class KeyAccountSettings(_Strict):
    """Key accounts: the top ``per_owner`` customers of each account manager by ``basis``, among
    those with at least ``min_revenue``. A key account leaves only after failing the criteria in
    ``leave_after_misses`` consecutive snapshots, so membership is stable."""

    per_owner: int = Field(5, ge=1)
    basis: Literal["revenue", "clv"] = "revenue"
    min_revenue: float = Field(0.0, ge=0)
    leave_after_misses: int = Field(3, ge=1)


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


class Settings(_Strict):
    """Everything custseg needs, validated once at start-up."""

    database_url: str = "sqlite:///var/custseg.db"
    source: SourceSettings = SourceSettings()
    lifecycle: LifecycleSettings = LifecycleSettings()
    value_tiers: ValueTierSettings = ValueTierSettings()
    key_accounts: KeyAccountSettings = KeyAccountSettings()
    currency: str = "$"
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
        ``database_url``.
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
