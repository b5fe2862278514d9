"""Microsoft Teams in the web process: ``POST /api/messages`` on the Microsoft 365 Agents SDK.

``mount`` is what ``adapters.web.app`` calls. The SDK's ``CloudAdapter`` runs each Activity through
``CustsegTeams`` (an ``ActivityHandler``). Before that, with the app registration in the
environment, the request's token is checked in full (``adapters.teams.tokens``: the Bot
Framework's issuer and keys, our app id, our tenant, the endorsed serviceUrl; 401 or 403
otherwise); without it Teams is off unless ``[msteams] local_mode`` is on (see
``adapters.teams.connection``). Anything that is not a readable Activity is answered with 400
before it reaches the SDK, and nothing a request carries produces a 500 or a traceback.
"""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Mapping

from aiohttp import web
from microsoft_agents.activity import Activity
from pydantic import ValidationError

from adapters.logs import bind
from adapters.teams.connection import (
    APP_ID,
    ENV_NAMES,
    TeamsConfig,
    is_loopback_url,
    microsoft_service_url,
)
from adapters.teams.handler import CustsegTeams, on_turn_error
from adapters.teams.poster import TeamsPoster
from adapters.teams.tokens import Refused, SigningKeys, TokenCheck, allowed_service_url
from adapters.teams.updates import CardUpdates
from adapters.web.app import PlatformStatus
from adapters.web.charts import links_for
from bot.services.chat import ChatService
from config import Settings

log = logging.getLogger("custseg.teams")
ROUTE = "/api/messages"


class _QuietActivityValidation(logging.Filter):
    """Drops the SDK's own record of an Activity that fails validation: it carries the request's
    content (a customer question, perhaps) and a traceback, and custseg has already answered that
    request with a 400 and a short reason."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Validation error for Activity")


_QUIET = _QuietActivityValidation()


def _bad_request(reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=400)


def _refused(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def mount(
    app: web.Application, brain: ChatService, settings: Settings, env: Mapping[str, str]
) -> PlatformStatus:
    """Serve Teams at ``/api/messages`` with the full app registration, or in local mode when the
    settings ask for it; otherwise say what is missing."""
    logging.getLogger("microsoft_agents.activity.activity").addFilter(
        _QUIET
    )  # added once however often mounted
    config = TeamsConfig.from_env(env)
    if config.missing:
        log.warning("Teams is off: %s set but %s missing", APP_ID, ", ".join(config.missing))
        return PlatformStatus(
            "teams",
            False,
            detail="partly configured, refusing to run unauthenticated",
            missing=config.missing,
        )
    local = config.local_mode
    if local and not settings.msteams.local_mode:
        return PlatformStatus(
            "teams",
            False,
            detail="or [msteams] local_mode = true to try it on this machine without Teams",
            missing=list(ENV_NAMES),
        )
    if not local and settings.msteams.local_mode:
        log.warning("[msteams] local_mode is ignored: the Teams app registration is set, tokens are required")
    hosts = list(settings.msteams.service_hosts)
    auth = config.auth_configuration()
    adapter = config.adapter(auth, hosts)
    adapter.on_turn_error = on_turn_error
    tokens = (
        None
        if local
        else TokenCheck(
            str(config.app_id), str(config.tenant_id), SigningKeys(settings.msteams.openid_metadata_url)
        )
    )
    poster = TeamsPoster(
        brain.store, env, settings.channels.allow_external, links_for(brain.store, settings.web)
    )
    updates = CardUpdates(brain.store, poster, settings.delivery)
    app.on_cleanup.append(lambda _app: updates.close())
    bot = CustsegTeams(brain, settings, local, config.tenant_id, config.app_id, updates)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", web.NotAppKeyWarning)
        app["agent_configuration"] = auth

    async def messages(request: web.Request) -> web.Response:
        with bind(request=f"teams-{uuid.uuid4().hex[:12]}"):
            return await _messages(request)

    async def _messages(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            return _bad_request("the body is not JSON")
        except Exception:  # an unreadable or mis-encoded body
            return _bad_request("the body cannot be read")
        if not isinstance(body, dict):
            return _bad_request("the body is not an Activity object")
        try:
            activity = Activity.model_validate(body)
        except ValidationError as err:
            return _bad_request(f"not an Activity: {err.error_count()} invalid field(s)")
        except Exception:
            return _bad_request("not an Activity")
        if not activity.type or not activity.conversation or not activity.conversation.id:
            return _bad_request("an Activity needs type, conversation.id and serviceUrl")
        if not activity.service_url:
            return _bad_request("an Activity needs type, conversation.id and serviceUrl")
        if tokens is None:
            if not is_loopback_url(activity.service_url):
                return _refused(
                    403, "local mode (no Teams credentials) answers only serviceUrls on this machine"
                )
        else:
            try:
                identity = await tokens.check(request.headers.get("Authorization"), activity)
            except Refused as refused:
                log.warning("a Teams request was refused: %s", refused.reason)
                return _refused(refused.status, refused.reason)
            # The SDK's adapter reads the verified claims from the request under this name.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", web.NotAppKeyWarning)
                request["claims_identity"] = identity
            url = activity.service_url
            if not (microsoft_service_url(url) or allowed_service_url(url, hosts)):
                log.warning("a Teams request was refused: its serviceUrl is not a Microsoft host")
                return _refused(403, "the serviceUrl is not a Microsoft Teams host")
        try:
            response = await adapter.process(request, bot)
        except Exception as err:  # logged by type only: activities carry customer questions
            log.error("a Teams request failed: %s", type(err).__name__)
            return web.json_response({"error": "internal error"}, status=500)
        return response or web.Response(status=202)

    app.router.add_post(ROUTE, messages)
    if local:
        log.warning(
            "Teams runs in local mode: no credentials, only serviceUrls on this machine; set %s for Teams",
            ", ".join(ENV_NAMES),
        )
        return PlatformStatus(
            "teams",
            True,
            detail=f"local mode on {ROUTE}: no credentials, this machine only; set {', '.join(ENV_NAMES)} for Teams",
        )
    return PlatformStatus("teams", True, detail=f"{ROUTE}, single-tenant app, Bot Framework tokens required")
