"""A fake Slack Web API on loopback that records every call, for tests without Slack.

Point a Slack client at ``fake.api_url`` (``base_url``, or ``SLACK_API_URL`` for the app) and at
``fake.response_url(name)`` for interactions. Like Slack it answers ``{"ok": false, "error":
"invalid_blocks"}`` when a message breaks Block Kit's limits, it can be told to rate-limit a method
(429 with ``Retry-After``) or fail it (5xx), and it serves the three steps of ``files_upload_v2``:
``files.getUploadURLExternal``, the upload URL, ``files.completeUploadExternal``; ``views.open``
(a modal) is answered with the view it opened.

For fault tests it keeps every accepted ``chat.postMessage`` per channel (``messages``, with its
metadata) and serves them back through ``conversations.history``; ``chaos`` (a function of the
method and its arguments returning a ``Fault`` or None) injects 429s, 5xx, slow answers, reset
connections and a hook run after a call was accepted (e.g. to kill the caller).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

BOT_USER = "UCUSTSEG"
# The app-level token Socket Mode connects with (apps.connections.open).
APP_TOKEN = "xapp-test"


@dataclass
class Call:
    """One request the fake received: ``method`` is the Web API method, ``upload`` or ``respond``."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    body: bytes
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    # who called, when the client's base URL was ``api_url_for(caller)`` (fault tests: which worker)
    caller: str = ""

    @property
    def blocks(self) -> list[dict[str, Any]]:
        return self.args.get("blocks") or (self.args.get("view") or {}).get("blocks") or []

    def text(self) -> str:
        """Everything a person would read in the blocks, in order (for assertions)."""
        return "\n".join(_texts(self.blocks))


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = [node["text"]] if isinstance(node.get("text"), str) else []
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                out += _texts(value)
        return out
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def block_kit_errors(blocks: Any, max_blocks: int = 50) -> list[str]:
    """The Block Kit limits Slack enforces on a message (or a Home view, 100 blocks)."""
    if not isinstance(blocks, list):
        return ["blocks must be a list"]
    errors = [f"more than {max_blocks} blocks ({len(blocks)})"] if len(blocks) > max_blocks else []

    def check_text(where: str, obj: Any, limit: int) -> None:
        text = obj.get("text") if isinstance(obj, dict) else None
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}: empty text")
        elif len(text) > limit:
            errors.append(f"{where}: text of {len(text)} characters (max {limit})")

    for i, block in enumerate(blocks):
        kind = block.get("type")
        where = f"blocks[{i}] ({kind})"
        if kind == "section":
            if "text" in block:
                check_text(where, block["text"], 3000)
            fields = block.get("fields") or []
            if len(fields) > 10:
                errors.append(f"{where}: {len(fields)} fields (max 10)")
            for f in fields:
                check_text(where + " field", f, 2000)
            if "text" not in block and not fields:
                errors.append(f"{where}: needs text or fields")
        elif kind == "header":
            check_text(where, block.get("text"), 150)
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                errors.append(f"{where}: {len(elements)} elements (1–10)")
            for e in elements:
                check_text(where, e, 3000)
        elif kind == "actions":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 25:
                errors.append(f"{where}: {len(elements)} elements (1–25)")
            ids = [e.get("action_id") for e in elements]
            if len(set(ids)) != len(ids):
                errors.append(f"{where}: duplicate action_id")
            for e in elements:
                check_text(where + " button", e.get("text"), 75)
                if len(e.get("value", "")) > 2000:
                    errors.append(f"{where}: button value over 2000 characters")
        elif kind == "input":
            if not isinstance(block.get("element"), dict) or not isinstance(block.get("label"), dict):
                errors.append(f"{where}: needs an element and a label")
        elif kind not in ("divider", "image"):
            errors.append(f"{where}: unknown block type")
    return errors


@dataclass
class Fault:
    """What the fake does to one call instead of answering it plainly.

    ``status``: answer that HTTP status (429 with ``Retry-After: retry_after``) without processing
    the call. Otherwise the call is processed first (``accept``, a post is then in the channel)
    or not, ``then`` runs with the recorded call, the answer waits ``delay`` seconds, and the
    connection is dropped instead of answered when ``reset``.
    """

    status: int | None = None
    retry_after: float | None = None
    accept: bool = True
    delay: float = 0.0
    reset: bool = False
    then: Callable[[Call], None] | None = None


class LoopbackServer:
    """An aiohttp application served on 127.0.0.1 from a background thread's own event loop."""

    def __init__(self, app: web.Application):
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    def start(self) -> LoopbackServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class FakeSlackAPI(LoopbackServer):
    """The fake. ``calls`` lists every request received, in order."""

    def __init__(self) -> None:
        app = web.Application(client_max_size=20 * 1024**2)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_route("*", "/as/{caller}/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/respond/{name}", self._respond)
        app.router.add_get("/link", self._socket)
        super().__init__(app)
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        # conversations.info answers; a channel not set here is private and has the bot as a member.
        self.channels: dict[str, dict[str, Any]] = {}
        # the X-OAuth-Scopes header of every answer: what the token was granted
        self.scopes: list[str] = []
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._faults: dict[str, list[tuple[int, float | None]]] = {}
        # accepted chat.postMessage calls per channel, oldest first (what conversations.history shows)
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.chaos: Callable[[str, dict[str, Any]], Fault | None] | None = None
        # Socket Mode: the open WebSocket of the app (at most one), and every frame it sent back
        # (acknowledgements carry the envelope_id they answer).
        self._sockets: list[web.WebSocketResponse] = []
        self.socket_frames: list[dict[str, Any]] = []

    # -- programming the fake --------------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def api_url_for(self, caller: str) -> str:
        """The Web API base URL for one client, so its calls are recorded with ``caller``."""
        return f"{self.url}/as/{caller}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.url}/respond/{name}"

    def rate_limit(self, method: str, times: int = 1, retry_after: float = 1) -> None:
        """The next ``times`` calls of ``method`` get 429 with ``Retry-After: retry_after``."""
        self._faults.setdefault(method, []).extend([(429, retry_after)] * times)

    def fail(self, method: str, status: int = 500, times: int = 1) -> None:
        self._faults.setdefault(method, []).extend([(status, None)] * times)

    def set_channel(self, channel_id: str, **flags: Any) -> None:
        """How ``conversations.info`` describes a channel, e.g. ``is_ext_shared=True``."""
        self.channels[channel_id] = {"id": channel_id, "is_private": False, "is_member": True, **flags}

    def add_user(self, user_id: str, email: str, real_name: str, team_id: str = "T1", **more: Any) -> None:
        """A user ``users.info`` knows; ``team_id`` other than ``T1`` (ours, as ``auth.test``
        says) is someone of another organisation, e.g. in a Slack Connect channel."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "real_name": real_name,
            "profile": {"email": email},
            **more,
        }

    # -- reading what happened ---------------------------------------------------------------------------
    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def wait_for(
        self, method: str, n: int = 1, timeout: float = 15, where: Callable[[Call], bool] | None = None
    ) -> list[Call]:
        """The first ``n`` successful calls of ``method`` (matching ``where``), waiting for them: the
        app answers after acknowledging, so its calls arrive a moment after the HTTP response."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(method) if where is None or where(c)]
            if len(found) >= n:
                return found[:n]
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} call(s) to {method}, got {len(found)}: {self.summary()}")
            time.sleep(0.02)

    def summary(self) -> list[tuple[str, int]]:
        with self._lock:
            return [(c.method, c.status) for c in self.calls]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._faults.clear()
            self.messages.clear()
            self.chaos = None

    # -- serving ---------------------------------------------------------------------------------------------
    async def _args(self, request: web.Request) -> tuple[dict[str, Any], bytes]:
        body = await request.read()
        args: dict[str, Any] = dict(request.query)
        ctype = request.headers.get("Content-Type", "")
        if body and "json" in ctype:
            args.update(json.loads(body))
        elif body and "form" in ctype:
            args.update(parse_qsl(body.decode()))
        for key in ("blocks", "view", "files", "metadata"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args, body

    def _record(
        self, method: str, request: web.Request, args: dict[str, Any], body: bytes, status: int
    ) -> Call:
        call = Call(
            method, args, dict(request.headers), body, status, caller=request.match_info.get("caller", "")
        )
        with self._lock:
            self.calls.append(call)
        return call

    def _fault(self, method: str) -> tuple[int, float | None] | None:
        with self._lock:
            queue = self._faults.get(method)
            return queue.pop(0) if queue else None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args, body = await self._args(request)
        chaos = self.chaos(method, args) if self.chaos is not None and not self._faults.get(method) else None
        if chaos is not None:
            return await self._chaos(method, request, args, body, chaos)
        fault = self._fault(method)
        if fault is not None:
            status, retry_after = fault
            self._record(method, request, args, body, status)
            headers = {"Retry-After": str(int(retry_after))} if retry_after is not None else {}
            error = "ratelimited" if status == 429 else "internal_error"
            return web.json_response({"ok": False, "error": error}, status=status, headers=headers)
        self._record(method, request, args, body, 200)
        if method == "apps.connections.open":
            # Socket Mode's URL is issued to the app-level token, not the bot token.
            if request.headers.get("Authorization") != f"Bearer {APP_TOKEN}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"})
        if request.headers.get("Authorization") != "Bearer xoxb-test":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        headers = {"X-OAuth-Scopes": ",".join(self.scopes)} if self.scopes else {}
        return web.json_response(self._answer(method, args), headers=headers)

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if "blocks" in args or "view" in args:
            limit = 100 if method == "views.publish" else 50
            errors = block_kit_errors(args.get("blocks") or (args.get("view") or {}).get("blocks"), limit)
            if errors:
                return {"ok": False, "error": "invalid_blocks", "errors": errors}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BCUSTSEG", "team_id": "T1", "user": "custseg"}
        if method == "chat.update":
            ts = args.get("ts") or f"1700000000.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": args.get("channel"),
                "ts": ts,
                "message": {"text": args.get("text")},
            }
        if method == "chat.postMessage":
            ts = f"1700000000.{next(self._ts):06d}"
            channel = str(args.get("channel"))
            message = {
                "ts": ts,
                "text": args.get("text"),
                "metadata": args.get("metadata"),
                "at": time.time(),
            }
            with self._lock:
                self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text")}}
        if method == "conversations.history":
            return self._history(args)
        if method == "conversations.open":
            # The fake keeps a DM's messages under the user id it was posted to.
            return {"ok": True, "channel": {"id": str(args.get("users") or args.get("channel"))}}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method == "conversations.info":
            channel = str(args.get("channel"))
            if channel in self.channels:
                return {"ok": True, "channel": self.channels[channel]}
            if channel.startswith("C_GONE"):
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": {"id": channel, "is_private": True, "is_member": True}}
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "views.publish":
            return {"ok": True, "view": {"id": "V1", **(args.get("view") or {})}}
        if method == "views.open":
            if not str(args.get("trigger_id") or ""):
                return {"ok": False, "error": "invalid_trigger_id"}
            return {"ok": True, "view": {"id": f"V{next(self._ts)}", **(args.get("view") or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):08d}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.url}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            return {
                "ok": True,
                "files": [{"id": f["id"], "title": f.get("title")} for f in args.get("files", [])],
            }
        return {"ok": False, "error": "unknown_method"}

    # -- Socket Mode ----------------------------------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Slack's end of a Socket Mode connection: hello, then envelopes pushed by the test."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake"}})
        async for frame in ws:
            if frame.type == web.WSMsgType.TEXT:
                with self._lock:
                    self.socket_frames.append(json.loads(frame.data))
        self._sockets.remove(ws)
        return ws

    def socket_connected(self, timeout: float = 30) -> bool:
        """Whether the app has a Socket Mode connection open (waiting up to ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._sockets:
                return True
            time.sleep(0.05)
        return False

    def push(self, envelope: dict[str, Any]) -> None:
        """Send one Socket Mode envelope (``events_api``, ``slash_commands``, ``interactive``)."""
        ws = self._sockets[-1]
        asyncio.run_coroutine_threadsafe(ws.send_json(envelope), self.loop).result(10)

    def acked(self, envelope_id: str, timeout: float = 10) -> bool:
        """Whether the app acknowledged ``envelope_id`` (waiting up to ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if any(f.get("envelope_id") == envelope_id for f in self.socket_frames):
                    return True
            time.sleep(0.05)
        return False

    async def _upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        self._record("upload", request, {"file_id": request.match_info["file_id"]}, body, 200)
        return web.Response(text=f"OK - {len(body)}")

    async def _respond(self, request: web.Request) -> web.Response:
        args, body = await self._args(request)
        args["response_url"] = request.match_info["name"]
        errors = block_kit_errors(args["blocks"]) if "blocks" in args else []
        self._record("respond", request, args, body, 400 if errors else 200)
        if errors:
            return web.Response(status=400, text="invalid_blocks")
        return web.json_response({"ok": True})

    # -- fault injection and history (fault tests) ---------------------------------------------------------
    async def _chaos(
        self, method: str, request: web.Request, args: dict[str, Any], body: bytes, fault: Fault
    ) -> web.StreamResponse:
        if fault.status is not None:
            self._record(method, request, args, body, fault.status)
            headers = {"Retry-After": str(int(fault.retry_after))} if fault.retry_after is not None else {}
            error = "ratelimited" if fault.status == 429 else "internal_error"
            return web.json_response({"ok": False, "error": error}, status=fault.status, headers=headers)
        call = self._record(method, request, args, body, 200 if fault.accept else 0)
        answer = self._answer(method, args) if fault.accept else {"ok": False, "error": "not_processed"}
        if fault.then is not None:
            fault.then(call)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.reset:
            if request.transport is not None:
                request.transport.abort()
            return web.Response()  # written to a closed connection: the caller sees it reset
        return web.json_response(answer)

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """``conversations.history``: newest first, after ``oldest`` (by arrival time), paged by
        ``limit`` and ``cursor``; metadata only with ``include_all_metadata``."""
        channel = str(args.get("channel"))
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        with_metadata = str(args.get("include_all_metadata")).lower() in ("1", "true")
        with self._lock:
            found = [m for m in reversed(self.messages.get(channel, [])) if m["at"] > oldest]
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": [
                {"type": "message", "ts": m["ts"], "text": m["text"], "bot_id": "BCUSTSEG"}
                | ({"metadata": m["metadata"]} if with_metadata and m["metadata"] else {})
                for m in page
            ],
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def posts_by_key(self) -> dict[str, int]:
        """How many accepted posts carry each outbox key (in their metadata), over all channels."""
        counts: dict[str, int] = {}
        with self._lock:
            for messages in self.messages.values():
                for m in messages:
                    key = ((m.get("metadata") or {}).get("event_payload") or {}).get("key")
                    if key:
                        counts[key] = counts.get(key, 0) + 1
        return counts
