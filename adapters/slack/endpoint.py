"""``POST /slack/events`` at the HTTP boundary: each request's signature and timestamp are checked
first (bad → 401; bolt checks again, verification stays on), a body that is not a Slack payload is a
400 (``malformed``: a signed body missing what a listener reads), a signed request replayed as it
was is acknowledged without an answer, and the rest goes to bolt."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from adapters.logs import bind
from adapters.slack.dedupe import Claims

log = logging.getLogger("custseg.slack")

_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def malformed(body: Any) -> str | None:
    """Why a (signed) body is not a payload custseg can answer, in a few words; None when it is.

    Everything a listener reads without a default is checked here, so a payload missing a field
    is a 400 and never a traceback: events (with an event type; messages and mentions with a
    channel and ``ts``), slash commands (command, user and channel), button presses (each action
    with an ``action_id``, a user id, a string ``value``), modal submissions, url challenges.
    """
    if not isinstance(body, dict):
        return "not a Slack payload"
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not _text(event.get("type")):
            return "an event_callback needs an event with a type"
        if event["type"] in ("message", "app_mention") and not (
            _text(event.get("channel")) and _text(event.get("ts"))
        ):
            return "a message event needs channel and ts"
        if event.get("user") is not None and not isinstance(event.get("user"), str):
            return "an event's user must be an id"
        if event["type"] == "app_home_opened" and not _text(event.get("user")):
            return "app_home_opened needs a user"
        return None
    if kind == "block_actions":
        actions, user = body.get("actions"), body.get("user")
        if not isinstance(actions, list) or not actions:
            return "block_actions needs actions"
        if not isinstance(user, dict) or not _text(user.get("id")):
            return "block_actions needs a user id"
        for action in actions:
            if not isinstance(action, dict) or not _text(action.get("action_id")):
                return "every action needs an action_id"
            if action.get("value") is not None and not isinstance(action.get("value"), str):
                return "an action's value must be a string"
        for name in ("container", "channel", "message"):
            if body.get(name) is not None and not isinstance(body.get(name), dict):
                return f"{name} must be an object"
        container = body.get("container") or {}
        if container.get("type") == "message" and not _text(container.get("message_ts")):
            return "a message container needs message_ts"
        return None
    if kind == "view_submission":
        view, user = body.get("view"), body.get("user")
        if not isinstance(view, dict) or not isinstance(user, dict) or not _text(user.get("id")):
            return "view_submission needs a view and a user id"
        return None
    if kind == "url_verification":
        return None if _text(body.get("challenge")) else "url_verification needs a challenge"
    if kind == "message_action":
        user, message = body.get("user"), body.get("message")
        if not isinstance(user, dict) or not _text(user.get("id")) or not isinstance(message, dict):
            return "a message shortcut needs a user id and the message"
        if body.get("channel") is not None and not isinstance(body.get("channel"), dict):
            return "channel must be an object"
        return None
    if kind in ("view_closed", "shortcut", "app_rate_limited"):
        return None
    if "command" in body:
        if not all(_text(body.get(k)) for k in ("command", "user_id", "channel_id")):
            return "a slash command needs command, user_id and channel_id"
        return None
    if body.get("ssl_check") == "1":
        return None
    return "not a Slack payload"


class Endpoint:
    """``POST /slack/events``: verify, reject what is not a Slack payload, answer each signed
    request once, hand the rest to bolt."""

    def __init__(self, bolt: AsyncApp, signing_secret: str, requests: Claims | None = None):
        self.bolt = bolt
        self.verifier = SignatureVerifier(signing_secret)
        self.requests = requests

    async def handle(self, request: web.Request) -> web.Response:
        # bolt answers in tasks started inside this block; they inherit the tag.
        with bind(request=f"slack-{uuid.uuid4().hex[:12]}"):
            try:
                return await self._handle(request)
            except Exception as err:  # never a 500 with a traceback for what a caller sent
                log.error("a Slack request could not be handled: %s", type(err).__name__)
                return web.json_response({"error": "the request could not be handled"}, status=400)

    def _signed(self, body: str, request: web.Request) -> bool:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
            return False
        return self.verifier.is_valid(body, timestamp, signature)

    async def _first_time(self, request: web.Request) -> bool:
        """Whether this exact signed request (its signature) is new: a replay within Slack's five
        minutes is acknowledged and not answered again. Slack's own retries are signed anew (and
        their messages claimed by ``SlackBot.claim``). Without the database the request goes on."""
        if self.requests is None:
            return True
        key = request.headers.get("X-Slack-Signature", "")
        try:
            return await asyncio.to_thread(self.requests.claim, key)
        except Exception as err:
            log.warning("could not record a Slack request against replays: %s", type(err).__name__)
            return True

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            body = (await request.read()).decode("utf-8")
        except UnicodeDecodeError:  # Slack always sends UTF-8; nothing else can carry a valid signature
            return web.json_response({"error": "not a Slack payload"}, status=400)
        if not self._signed(body, request):
            return web.json_response({"error": "invalid signature or stale timestamp"}, status=401)
        try:
            bolt_request = AsyncBoltRequest(
                body=body,
                query=request.query_string,
                headers=request.headers,  # type: ignore[arg-type]
            )
        except Exception:  # bolt parses the body while building the request; any failure means junk
            return web.json_response({"error": "not a Slack payload"}, status=400)
        reason = malformed(bolt_request.body)
        if reason is not None:
            return web.json_response({"error": reason}, status=400)
        if not await self._first_time(request):
            log.info("a signed Slack request was replayed; acknowledged, not answered again")
            return web.Response(status=200)
        if bolt_request.body.get("type") == "app_rate_limited":
            # Slack drops this workspace's events for the rest of the minute; nothing to answer,
            # but an operator should know questions went unheard.
            log.warning(
                "Slack is not sending events of workspace %s for the rest of minute %s: it exceeded "
                "its event rate limit (events in that minute are lost)",
                str(bolt_request.body.get("team_id"))[:32],
                str(bolt_request.body.get("minute_rate_limited"))[:32],
            )
            return web.Response(status=200)
        return await to_aiohttp_response(await self.bolt.async_dispatch(bolt_request))
