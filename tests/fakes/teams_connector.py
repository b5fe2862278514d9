"""A fake Bot Framework connector service (what an Activity's ``serviceUrl`` points at), on loopback.

It records what the bot sends back to Teams: replies (``POST /v3/conversations/{id}/activities/{replyTo}``),
new posts (``POST /v3/conversations/{id}/activities``) and card updates
(``PUT /v3/conversations/{id}/activities/{activityId}``), answers roster look-ups
(``GET /v3/conversations/{id}/members/{userId}``), and can be told to fail the next calls with
429 (with ``Retry-After``) or 5xx, as the real service does under load.

``LoopbackServers`` runs aiohttp applications (this fake, and the real custseg web app) on
127.0.0.1 in one background event loop, so tests talk to them over real HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web


@dataclass
class Call:
    """One request the bot made to the connector."""

    kind: str  # "reply", "post", "update" or "member"
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
        self._failures: deque[tuple[int, dict[str, str]]] = deque()
        self._ids = itertools.count(1)

    def fail_next(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """Answer the next ``times`` calls with ``status`` (and a Retry-After header if given)."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self._failures.extend([(status, headers)] * times)

    def of(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind]

    def clear(self) -> None:
        self.calls.clear()
        self._failures.clear()

    def _failure(self) -> web.Response | None:
        if not self._failures:
            return None
        status, headers = self._failures.popleft()
        code = "Throttled" if status == 429 else "ServiceError"
        return web.json_response({"error": {"code": code}}, status=status, headers=headers)

    async def _activity(self, request: web.Request) -> web.Response:
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

    def app(self) -> web.Application:
        app = web.Application()
        base = "/v3/conversations/{conversation}"
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

    def serve(self, app: web.Application) -> str:
        """Start ``app`` on a free port; its base URL."""

        async def start() -> str:
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self._runners.append(runner)
            port = runner.addresses[0][1]
            return f"http://127.0.0.1:{port}"

        return asyncio.run_coroutine_threadsafe(start(), self.loop).result(timeout=30)

    def close(self) -> None:
        async def stop() -> None:
            for runner in self._runners:
                await runner.cleanup()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
