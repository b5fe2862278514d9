"""A fake Bot Framework connector service (what an Activity's ``serviceUrl`` points at), on loopback.

It records what the bot sends back to Teams: replies (``POST /v3/conversations/{id}/activities/{replyTo}``),
new posts (``POST /v3/conversations/{id}/activities``) and card updates
(``PUT /v3/conversations/{id}/activities/{activityId}``), answers roster look-ups
(``GET /v3/conversations/{id}/members/{userId}``), and can be told to fail the next calls with
429 (with ``Retry-After``) or 5xx, as the real service does under load. It starts personal chats
(``POST /v3/conversations``, recorded as ``create``; ``refuse_personal`` makes it answer 403 or 404
as Teams does for a user it cannot reach) and serves conversation rosters
(``GET /v3/conversations/{id}/pagedmembers``, recorded as ``roster``, paged; ``roster`` sets a
conversation's members and guests, ``roster_fails`` makes it answer an error). ``delay`` makes every
post, reply and update take that many seconds, failures included, as Teams does under load.
Every card it receives is checked against Teams' rules (``tests.teams.cards.rule_breaks``); the
cards that break one are kept in ``BROKEN_CARDS``, which the suite checks after every test.

``LoopbackServers`` runs aiohttp applications (this fake, and the real custseg web app) on
127.0.0.1 in one background event loop, so tests talk to them over real HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.teams.cards import rule_breaks

# (kind of call, what the card breaks) for every card any fake connector received that breaks a
# Teams rule; tests/conftest.py fails the test that sent one and empties the list.
BROKEN_CARDS: list[tuple[str, list[str]]] = []


@dataclass
class Call:
    """One request the bot made to the connector."""

    kind: str  # "reply", "post", "update", "member", "create" or "roster"
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    authorization: str | None
    returned_id: str | None = None

    @property
    def card(self) -> dict[str, Any]:
        """The Adaptive Card the activity carries."""
        (attachment,) = self.body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        return attachment["content"]


class FakeConnector:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.members: dict[str, dict[str, Any]] = {}
        self.rosters: dict[str, list[dict[str, Any]]] = {}
        self.roster_fails: dict[str, int] = {}
        self.refuse_personal: dict[str, int] = {}
        self.page_size = 2
        self.delay = 0.0
        self._failures: deque[tuple[int, dict[str, str]]] = deque()
        self._ids = itertools.count(1)

    def roster(
        self, conversation_id: str, members: list[dict[str, Any]], guests: list[dict[str, Any]] = ()
    ) -> None:
        """``conversation_id``'s members (tenant users) and guests (``userRole`` "guest")."""
        self.rosters[conversation_id] = [
            *({"userRole": "user", **m} for m in members),
            *({"userRole": "guest", **g} for g in guests),
        ]

    def fail_next(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """Answer the next ``times`` calls with ``status`` (and a Retry-After header if given)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures.extend([(status, headers)] * times)

    def of(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind]

    def wait_for(self, kind: str, count: int = 1, timeout: float = 15.0) -> list[Call]:
        """The calls of ``kind`` once there are ``count`` of them (the bot sends card updates in
        the background after answering a press); fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while len(self.of(kind)) < count:
            assert time.monotonic() < deadline, f"{len(self.of(kind))} {kind} call(s), expected {count}"
            time.sleep(0.02)
        return self.of(kind)

    def clear(self) -> None:
        self.calls.clear()
        self._failures.clear()
        self.rosters.clear()
        self.roster_fails.clear()
        self.refuse_personal.clear()
        self.delay = 0.0

    def _failure(self) -> web.Response | None:
        if not self._failures:
            return None
        status, headers = self._failures.popleft()
        code = "Throttled" if status == 429 else "ServiceError"
        return web.json_response({"error": {"code": code}}, status=status, headers=headers)

    async def _activity(self, request: web.Request) -> web.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        failure = self._failure()
        if failure is not None:
            return failure
        conversation = request.match_info["conversation"]
        target = request.match_info.get("activity")
        if request.method == "PUT":
            kind, new_id = "update", target
        else:
            kind, new_id = ("reply" if target else "post"), f"activity-{next(self._ids)}"
        body = await request.json()
        for attachment in body.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                breaks = rule_breaks(attachment["content"])
                if breaks:
                    BROKEN_CARDS.append((kind, breaks))
        self.calls.append(
            Call(kind, conversation, target, body, request.headers.get("Authorization"), new_id)
        )
        return web.json_response({"id": new_id})

    async def _member(self, request: web.Request) -> web.Response:
        user = request.match_info["user"]
        self.calls.append(Call("member", request.match_info["conversation"], None, {"user": user}, None))
        if user not in self.members:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation"}}, status=404)
        return web.json_response(self.members[user])

    async def _create(self, request: web.Request) -> web.Response:
        body = await request.json()
        members = body.get("members") or [{}]
        user = members[0].get("id", "")
        self.calls.append(Call("create", "", None, body, request.headers.get("Authorization")))
        if user in self.refuse_personal:
            status = self.refuse_personal[user]
            code = "Forbidden" if status == 403 else "NotFound"
            return web.json_response({"error": {"code": code}}, status=status)
        # Teams answers with the same conversation for the same bot and user every time.
        return web.json_response({"id": f"a:personal-{user}", "activityId": f"activity-{next(self._ids)}"})

    async def _roster(self, request: web.Request) -> web.Response:
        conversation = request.match_info["conversation"]
        token = request.query.get("continuationToken") or "0"
        self.calls.append(Call("roster", conversation, None, {"continuationToken": token}, None))
        if conversation in self.roster_fails:
            return web.json_response(
                {"error": {"code": "ServiceError"}}, status=self.roster_fails[conversation]
            )
        everyone = self.rosters.get(conversation, [{"userRole": "user", **m} for m in self.members.values()])
        start = int(token)
        page = everyone[start : start + self.page_size]
        more = start + self.page_size < len(everyone)
        return web.json_response(
            {"members": page, **({"continuationToken": str(start + self.page_size)} if more else {})}
        )

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        base = "/v3/conversations/{conversation}"
        # The SDK asks for pagedMembers; the service's documented path is lower case.
        app.router.add_get(f"{base}/pagedMembers", self._roster)
        app.router.add_get(f"{base}/pagedmembers", self._roster)
        app.router.add_post(f"{base}/activities", self._activity)
        app.router.add_post(f"{base}/activities/{{activity}}", self._activity)
        app.router.add_put(f"{base}/activities/{{activity}}", self._activity)
        app.router.add_get(f"{base}/members/{{user}}", self._member)
        return app


class LoopbackServers:
    """aiohttp applications served on 127.0.0.1 from one background event loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._runners: list[web.AppRunner] = []
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def serve(self, app: web.Application, port: int = 0) -> str:
        """Start ``app`` on ``port`` (a free one by default); its base URL."""

        async def start() -> str:
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", port)
            await site.start()
            self._runners.append(runner)
            return f"http://127.0.0.1:{runner.addresses[0][1]}"

        return asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=30)

    def close(self) -> None:
        async def stop() -> None:
            for runner in self._runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
