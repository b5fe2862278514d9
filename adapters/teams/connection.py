"""Teams app registration settings from the environment, and the Agents SDK adapter built on them.

A single-tenant Azure Bot registration gives three values: ``MICROSOFT_APP_ID``,
``MICROSOFT_APP_PASSWORD`` (a client secret) and ``MICROSOFT_APP_TENANT_ID``. With all three set,
every request must carry the Bot Connector's token for that app (``adapters.teams.tokens``) and
replies are sent with the app's own token. With none set Teams is off, unless the settings switch
on *local mode* (``[msteams] local_mode = true``) for the Agents Playground or tests: no tokens
either way, and only ``serviceUrl``s on this machine are answered. A partial set is refused: that
is a misconfiguration, never local mode.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    AuthTypes,
    ConnectionManager,
    OutboundHostValidator,
)
from microsoft_agents.hosting.core.authorization import Connections

from config.sections import is_loopback_host

# Where the SDK's adapter leaves a turn's connector client (its ChannelServiceAdapter key).
CONNECTOR_CLIENT_KEY = "ConnectorClient"
APP_ID = "MICROSOFT_APP_ID"
APP_PASSWORD = "MICROSOFT_APP_PASSWORD"
APP_TENANT_ID = "MICROSOFT_APP_TENANT_ID"
ENV_NAMES = (APP_ID, APP_PASSWORD, APP_TENANT_ID)

log = logging.getLogger("custseg.teams")


@dataclass(frozen=True)
class TeamsConfig:
    """The app registration (all three values) or local mode (none)."""

    app_id: str | None = None
    password: str | None = None
    tenant_id: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TeamsConfig:
        values = [(env.get(name) or "").strip() or None for name in ENV_NAMES]
        return cls(*values)

    @property
    def local_mode(self) -> bool:
        """None of the three is set: Teams runs only in local mode, and only if the settings say so."""
        return not (self.app_id or self.password or self.tenant_id)

    @property
    def missing(self) -> list[str]:
        """The variables still needed when some but not all are set (empty in local mode)."""
        if self.local_mode:
            return []
        given = (self.app_id, self.password, self.tenant_id)
        return [name for name, value in zip(ENV_NAMES, given, strict=True) if not value]

    def auth_configuration(self) -> AgentAuthConfiguration:
        if self.local_mode:
            return AgentAuthConfiguration(anonymous_allowed=True)
        return AgentAuthConfiguration(
            auth_type=AuthTypes.client_secret,
            client_id=self.app_id,
            tenant_id=self.tenant_id,
            client_secret=self.password,
            anonymous_allowed=False,
        )

    def connections(self, auth: AgentAuthConfiguration) -> Connections:
        """Where outgoing tokens come from: MSAL with the app's secret, or none in local mode."""
        if self.local_mode:
            return ConnectionManager(
                provider_factory=lambda _config: AnonymousTokenProvider(),
                connections_configurations={"SERVICE_CONNECTION": auth},
            )
        from microsoft_agents.authentication.msal import MsalConnectionManager

        return MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth})

    def adapter(self, auth: AgentAuthConfiguration, service_hosts: list[str] | None = None) -> CloudAdapter:
        """The SDK's aiohttp adapter. With credentials, incoming ``serviceUrl``s must be Microsoft's
        (the SDK's host validator), unless ``service_hosts`` adds others: the SDK's validator
        refuses any address on this machine, so then ``adapters.teams.app`` checks the hosts."""
        validator = None if self.local_mode else OutboundHostValidator(enabled=not service_hosts)
        return CloudAdapter(connection_manager=self.connections(auth), host_validator=validator)


_MICROSOFT_HOSTS = OutboundHostValidator(enabled=True)


def microsoft_service_url(url: str | None) -> bool:
    """Whether ``url`` is an https URL on one of Microsoft's Bot Framework / Teams hosts."""
    return _MICROSOFT_HOSTS.is_allowed(url or "")


def is_loopback_url(url: str | None) -> bool:
    from yarl import URL

    try:
        return is_loopback_host(URL(url or "").host)
    except ValueError:
        return False


def transient(err: BaseException) -> tuple[bool, float | None]:
    """Whether a failed call to the Teams service may succeed if tried again, and after how many
    seconds the service asked us to wait (``Retry-After``): rate limits, server errors, network."""
    import aiohttp

    if isinstance(err, aiohttp.ClientResponseError):
        if err.status == 429 or err.status >= 500:
            header = err.headers.get("Retry-After") if err.headers else None
            try:
                after = float(header) if header is not None else None
            except ValueError:
                after = None
            return True, after
        return False, None
    return isinstance(err, aiohttp.ClientConnectionError | asyncio.TimeoutError), None
