"""The one typed settings object and its loader.

Settings are read from ``config/custseg.toml`` (shipped defaults), then from the file named by
``CUSTSEG_CONFIG`` if set (only the keys it gives are overridden), then from environment variables
for anything secret or deployment-specific. Validation happens once, at start-up, and reports every
problem at once.
"""

from __future__ import annotations

import os
import zoneinfo
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator

from config.access import Person, TeamSettings, find_person, scope_owners, team_members, teams_of_owner
from config.base import Strict
from config.errors import ConfigError
from config.files import deep_merge, explain, read_toml
from config.playbook import PlaybookSettings
from config.sections import (
    BotSettings,
    ChannelSettings,
    ChurnSettings,
    ConversationSettings,
    DeliverySettings,
    KeyAccountSettings,
    LifecycleSettings,
    ModelSettings,
    MsTeamsSettings,
    SourceSettings,
    ValueTierSettings,
    WebSettings,
    WorkerSettings,
)

DEFAULTS_FILE = Path(__file__).resolve().parent / "custseg.toml"


class Settings(Strict):
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
    conversations: ConversationSettings = ConversationSettings()
    bot: BotSettings = BotSettings()
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
        return find_person(self.people, self.users, platform, user_id, email)

    @property
    def open_access(self) -> bool:
        """No people are configured: a local, single-user setup (the demo) where everyone sees everything."""
        return not self.people and not self.users

    def scope_owners(self, person: Person | None) -> frozenset[str] | None:
        """The account managers whose customers ``person`` may see; None means every customer.

        Unknown people see nothing (an empty set) unless access is open.
        """
        return scope_owners(person, self.teams, self.open_access)

    def team_members(self, team_names: list[str]) -> set[str]:
        """The account managers (owner names) whose books make up these teams."""
        return team_members(self.teams, team_names)

    def teams_of_owner(self, owner: str | None) -> list[str]:
        """The teams whose books include this account manager's customers."""
        return teams_of_owner(self.teams, owner)

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
    data = read_toml(DEFAULTS_FILE)
    origin = str(DEFAULTS_FILE)
    path = path or env.get("CUSTSEG_CONFIG")
    if path:
        data = deep_merge(data, read_toml(Path(path)))
        origin = str(path)
    if env.get("CUSTSEG_DATABASE_URL"):
        data["database_url"] = env["CUSTSEG_DATABASE_URL"]
    if env.get("CUSTSEG_PUBLIC_URL"):
        data["web"] = {**data.get("web", {}), "public_url": env["CUSTSEG_PUBLIC_URL"]}
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        raise explain(err, origin) from None
