"""Microsoft Teams in the web process: ``POST /api/messages`` on the Microsoft 365 Agents SDK.

``mount`` is what ``adapters.web.app`` calls. The SDK's ``CloudAdapter`` runs each Activity through
``CustsegTeams`` (an ``ActivityHandler``), and its JWT check guards the route: with the app
registration in the environment a request without a valid token is rejected with 401; with none
the bot runs in local mode (see ``adapters.teams.connection``). Anything that is not a readable
Activity is answered with 400 before it reaches the SDK.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Mapping

from aiohttp import web
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.aiohttp import jwt_authorization_decorator
from pydantic import ValidationError

from adapters.logs import bind
from adapters.teams.connection import APP_ID, ENV_NAMES, TeamsConfig, is_loopback_host, is_loopback_url
from adapters.teams.handler import CustsegTeams, on_turn_error
from adapters.web.app import PlatformStatus
from bot.brain import Brain
from config import Settings

log = logging.getLogger("custseg.teams")
ROUTE = "/api/messages"


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


def mount(app: web.Application, brain: Brain, settings: Settings, env: Mapping[str, str]) -> PlatformStatus:
    """Serve Teams at ``/api/messages`` unless the app registration is only partly configured."""
    config = TeamsConfig.from_env(env)
    if config.missing:
        log.warning("Teams is off: %s set but %s missing", APP_ID, ", ".join(config.missing))
        return PlatformStatus(
            "teams",
            False,
            detail="partly configured, refusing to run unauthenticated",
            missing=config.missing,
        )
    auth = config.auth_configuration()
    adapter = config.adapter(auth)
    adapter.on_turn_error = on_turn_error
    bot = CustsegTeams(brain, settings, config.local_mode, config.tenant_id, config.app_id)
    # The SDK's JWT check looks its settings up on the application under this name.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        app["agent_configuration"] = auth

    @jwt_authorization_decorator
    async def messages(request: web.Request) -> web.Response:
        with bind(request=f"teams-{uuid.uuid4().hex[:12]}"):
            return await _messages(request)

    async def _messages(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _bad_request("the body is not JSON")
        if not isinstance(body, dict):
            return _bad_request("the body is not an Activity object")
        try:
            activity = Activity.model_validate(body)
        except ValidationError as err:
            return _bad_request(f"not an Activity: {err.error_count()} invalid field(s)")
        if not activity.conversation or not activity.conversation.id or not activity.service_url:
            return _bad_request("an Activity needs type, conversation.id and serviceUrl")
        if config.local_mode and not (
            is_loopback_host(request.remote) and is_loopback_url(activity.service_url)
        ):
            return web.json_response(
                {"error": "local mode (no Teams credentials) accepts only this machine's requests"},
                status=403,
            )
        try:
            response = await adapter.process(request, bot)
        except Exception as err:  # logged by type only: activities carry customer questions
            log.error("a Teams request failed: %s", type(err).__name__)
            return web.json_response({"error": "internal error"}, status=500)
        return response or web.Response(status=202)

    app.router.add_post(ROUTE, messages)
    if config.local_mode:
        log.warning(
            "Teams runs in local mode: no credentials, only loopback requests; set %s for Teams",
            ", ".join(ENV_NAMES),
        )
        return PlatformStatus(
            "teams",
            True,
            detail=f"local mode on {ROUTE}: no credentials, this machine only; set {', '.join(ENV_NAMES)} for Teams",
        )
    return PlatformStatus("teams", True, detail=f"{ROUTE}, single-tenant app, tokens required")
