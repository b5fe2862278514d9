"""What custseg does for each kind of Slack request (``SlackBot``): slash command, mentions, direct
messages, buttons, the reject-reason modal, *Share in channel* and App Home.

The chat service runs in a small worker pool after bolt acknowledged, and its answer goes back
through the Web API (``chat.postMessage``, ``chat.update``, ``views.publish``, ``files_upload_v2``)
or the interaction's ``response_url``. Messages are claimed in our store before they are answered,
so Slack's retries never produce a second answer. Someone of another organisation
(``SlackBot.outsider``) gets no customer data on any path (``bot.channels`` decides), and a
button's answer replaces the shared message only when the press changed something
(``bot.presses``); failures go to the presser alone."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import channels
from adapters.slack.dedupe import Claims
from adapters.slack.home import home_view
from adapters.slack.outage import claim_or_excuse
from adapters.slack.render import (
    REASON_BLOCK,
    Message,
    parse_brain_action,
    reason_view,
    render,
    text_blocks,
)
from bot import channels as policy
from bot import wording
from bot.context import Channel, ChatUser
from bot.delivery import Posted
from bot.outbox import remember, suggestion_ids
from bot.overview import OVERVIEW_ACTION
from bot.presses import changes_shared, readable
from bot.reply import Reply
from bot.services.chat import ChatService
from config import Settings

log = logging.getLogger("custseg.slack")

USER_CACHE_SECONDS = 3600
CHANNEL_CACHE_SECONDS = 300
WORKERS = 2
# Seconds the Reject modal's permission check may take before the modal opens anyway (its
# submission is checked again): Slack's trigger_id expires 3 s after the press.
TRIGGER_BUDGET = 1.5
# Users already welcomed in the Messages tab, in ``seen_events`` and never purged: once per person.
WELCOMED_PLATFORM = "slack-welcome"
# How long the web process waits at shutdown for answers acknowledged but not yet posted; below
# the platform's grace period (Heroku gives 30 s between SIGTERM and SIGKILL).
DRAIN_SECONDS = 20.0
T = TypeVar("T")
STALE_BUTTON = "That button is no longer available. Ask me again."
_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(\|[^>]*)?>[\s:,]*")


def incoming(text: str) -> str:
    """Message text as the person typed it: Slack escapes ``&``, ``<`` and ``>`` as HTML entities
    ("Keller &amp; Sons"), and only those."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` if Slack sent an object there, else an empty one."""
    return value if isinstance(value, dict) else {}


def _value(action: dict[str, Any]) -> dict[str, Any]:
    """A button's JSON value as a dict (anything else: empty)."""
    try:
        value = json.loads(action.get("value") or "{}")
    except (TypeError, ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


class SlackBot:
    """What custseg does for each kind of Slack request; the bolt listeners call these."""

    def __init__(self, brain: ChatService, settings: Settings, client: AsyncWebClient):
        self.brain = brain
        self.settings = settings
        self.client = client
        self.claims = Claims(brain.store)
        self.welcomed = Claims(brain.store, platform=WELCOMED_PLATFORM, keep=None)
        self._users: dict[str, tuple[float, dict[str, Any]]] = {}
        self._org: tuple[str | None, str | None] | None = None
        self._channels: dict[str, tuple[float, str]] = {}
        self._lookups: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="custseg-slack")
        # A lane of its own for work a trigger_id waits on, so it never queues behind answers.
        self._urgent = ThreadPoolExecutor(max_workers=1, thread_name_prefix="custseg-slack-urgent")
        self._in_flight: set[asyncio.Task[Any]] = set()

    # -- shutdown ------------------------------------------------------------------------------------------
    def track(self) -> None:
        """Count the calling listener as in flight until it ends. Bolt runs listeners after the ack
        in tasks of their own, which aiohttp's graceful shutdown does not wait for by itself."""
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def drain(self, timeout: float = DRAIN_SECONDS) -> int:
        """Wait for answers already acknowledged to be posted; the number still unfinished at the
        deadline (logged: Slack shows those askers nothing, so they are told to ask again)."""
        pending = {t for t in self._in_flight if not t.done()}
        if pending:
            log.info("shutting down: finishing %d answer(s) already acknowledged", len(pending))
            _, pending = await asyncio.wait(pending, timeout=timeout)
        if pending:
            log.warning("shutting down: %d answer(s) unfinished after %.0f s", len(pending), timeout)
        self._pool.shutdown(wait=False)
        self._urgent.shutdown(wait=False)
        return len(pending)

    # -- who and where ---------------------------------------------------------------------------------
    async def user(self, user_id: str) -> ChatUser:
        """The Slack user with their locale from ``users.info`` (the answer's language), and their
        e-mail when the settings know people by e-mail only (looked up once an hour per user, not
        per message). A person whose ``[people]`` entry sets a language needs no lookup."""
        known = self.settings.person("slack", user_id)
        if known is not None and known.language:
            return ChatUser(user_id, "slack")
        data = await self.info(user_id)
        if data is None:  # an unknown person still gets answers about the whole book
            return ChatUser(user_id, "slack")
        locale = data.get("locale") if isinstance(data.get("locale"), str) else None
        if known is not None or not any(p.email for p in self.settings.people.values()):
            return ChatUser(user_id, "slack", locale=locale)
        profile = data.get("profile") or {}
        return ChatUser(
            user_id,
            "slack",
            data.get("real_name") or profile.get("real_name"),
            profile.get("email"),
            locale=locale,
        )

    async def info(self, user_id: str) -> dict[str, Any] | None:
        """``users.info``'s user, looked up once an hour per user; None when Slack did not say."""
        cached = self._users.get(user_id)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        # Messages arriving together share one lookup instead of each calling users.info.
        lookup = self._lookups.get(user_id)
        if lookup is None:
            lookup = self._lookups[user_id] = asyncio.ensure_future(self._lookup(user_id))
            lookup.add_done_callback(lambda _: self._lookups.pop(user_id, None))
        return await asyncio.shield(lookup)

    async def _lookup(self, user_id: str) -> dict[str, Any] | None:
        try:
            info = await self.client.users_info(user=user_id, include_locale=True)
        except Exception as err:
            log.warning("users.info for %s failed: %s", user_id, type(err).__name__)
            return None
        data = info.get("user")
        if not isinstance(data, dict):
            return None
        self._users[user_id] = (time.monotonic() + USER_CACHE_SECONDS, data)
        return data

    async def organisation(self) -> tuple[str | None, str | None]:
        """Our workspace and Enterprise Grid organisation (``auth.test``), asked once."""
        if self._org is None:
            try:
                found = await self.client.auth_test()
            except Exception as err:
                log.warning("auth.test failed: %s", type(err).__name__)
                return None, None
            self._org = (found.get("team_id"), found.get("enterprise_id"))
        return self._org

    async def outsider(self, user_id: str) -> str | None:
        """Why ``user_id`` gets no customer data (a sentence), or None: someone of another
        organisation (a Slack Connect guest in a shared channel or DM), whether or not people are
        configured. People listed in the settings by their Slack id are ours. When Slack cannot
        say, a stranger to the settings is refused anyway (help only); with open access (no people
        configured) that refuses the data too, failing closed."""
        if self.brain.access.knows("slack", user_id):
            return None
        data = await self.info(user_id)
        team, enterprise = await self.organisation()
        if data is None or team is None:
            return wording.OUTSIDER_UNCHECKED if self.brain.access.open_access else None
        if data.get("is_stranger"):
            return wording.OUTSIDER
        if data.get("team_id") == team:
            return None
        grid = (data.get("enterprise_user") or {}).get("enterprise_id")
        if enterprise and grid == enterprise:
            return None
        return wording.OUTSIDER

    async def refused_question(self, text: str, user_id: str, conversation: str | None = None) -> str | None:
        """Why a question gets no answer here: the asker is of another organisation and the
        answer could carry customer data (help is answered to anyone). A follow-up in
        ``conversation`` is judged as what it resolves to."""
        refused = await self.outsider(user_id)
        if refused is None:
            return None
        asked = await self.in_worker(self.brain.intent_of, text, ChatUser(user_id, "slack"), conversation)
        return policy.outsider_refusal(asked, refused)

    async def channel(self, channel_id: str) -> Channel:
        """The channel with who can read it (``conversations.info``, remembered for 5 minutes)."""
        if not channel_id or channels.is_direct(channel_id):
            return Channel(channel_id, "slack", "dm" if channel_id else "unknown")
        cached = self._channels.get(channel_id)
        if cached and cached[0] > time.monotonic():
            return Channel(channel_id, "slack", cached[1])
        try:
            info = await self.client.conversations_info(channel=channel_id)
        except Exception as err:  # unchecked: answers stay private, sharing and subscribing are refused
            log.warning("conversations.info for %s failed: %s", channel_id, type(err).__name__)
            return Channel(channel_id, "slack", "unchecked")
        seen = channels.visibility(info.get("channel") or {})
        self._channels[channel_id] = (time.monotonic() + CHANNEL_CACHE_SECONDS, seen)
        return Channel(channel_id, "slack", seen)

    async def claim(self, channel_id: str, ts: str) -> bool:
        return await self.in_worker(self.claims.claim, f"{channel_id}:{ts}")

    # -- the brain, off the event loop --------------------------------------------------------------------
    async def in_worker(self, fn: Callable[..., T], *args: Any, urgent: bool = False) -> T:
        """Run blocking work in the bot's own small pool. The brain is CPU-bound Python, so more
        threads would not answer faster but would take the GIL from the event loop, delaying the
        acknowledgements Slack needs within 3 seconds. ``urgent`` work (a quick check a trigger_id
        waits on) has a thread of its own instead of queueing behind the answers."""
        # The thread runs in a copy of this request's context, so its log records carry the request.
        context = contextvars.copy_context()
        pool = self._urgent if urgent else self._pool
        return await asyncio.get_running_loop().run_in_executor(pool, context.run, fn, *args)

    async def answer(
        self,
        source: dict[str, Any],
        user: ChatUser,
        channel: Channel,
        message_ts: str | None = None,
        conversation: str | None = None,
    ) -> Reply:
        """Answer a question (``{"q": text}``, a follow-up in ``conversation`` when given) or replay
        a button (``{"a": action, "p": payload}``, pressed on the message ``message_ts`` when it is
        a shared one)."""
        if "a" in source:
            payload = source.get("p")
            return await self.in_worker(
                self.brain.act,
                str(source["a"]),
                payload if isinstance(payload, dict) else {},
                user,
                channel,
                message_ts,
                conversation,
            )
        return await self.in_worker(self.brain.ask, str(source.get("q", "")), user, channel, conversation)

    # -- output ---------------------------------------------------------------------------------------------
    async def post(self, channel_id: str, reply: Reply, thread_ts: str | None = None) -> None:
        """Post the reply (paged if long) and its chart into a channel, in a thread if given."""
        for message in render(reply):
            response = await self.client.chat_postMessage(
                channel=channel_id, thread_ts=thread_ts, text=message.text, blocks=message.blocks
            )
        # Buttons are on the last page: that message is the one a decision elsewhere updates.
        await self.remember(str(response.get("channel") or channel_id), str(response["ts"]), reply)
        try:
            await self.upload_chart(channel_id, reply, thread_ts)
        except Exception as err:  # the answer is out, its text describes the chart
            log.warning("could not attach the chart in %s: %s", channel_id, type(err).__name__)
        await self.upload_file(channel_id, reply, thread_ts)

    async def remember(self, channel_id: str, ts: str, reply: Reply) -> None:
        """Record a message in the channel carrying suggestion buttons, so decisions update it."""
        if reply.private or not suggestion_ids(reply):
            return
        try:
            await self.in_worker(remember, self.brain.store, Posted("slack", channel_id, ts), reply)
        except Exception:  # the answer is out; only later updates of this copy would be missed
            log.exception("could not record a posted copy in %s", channel_id)

    async def upload_chart(self, channel_id: str, reply: Reply, thread_ts: str | None) -> None:
        if reply.image is None:
            return
        name = re.sub(r"\W+", "-", reply.image.title.lower()).strip("-") or "chart"
        await self.client.files_upload_v2(
            channel=channel_id,
            thread_ts=thread_ts,
            file=reply.image.png,
            filename=f"{name}.png",
            title=reply.image.title,
            alt_txt=reply.image.alt_text[:1000],
        )

    async def upload_file(self, channel_id: str, reply: Reply, thread_ts: str | None) -> None:
        """An export's file, uploaded into the answer's thread (files upload v2, as charts are).
        The chat service only attaches one where customer data may be posted in the open."""
        if reply.file is None:
            return
        try:
            await self.client.files_upload_v2(
                channel=channel_id,
                thread_ts=thread_ts,
                file=reply.file.content,
                filename=reply.file.filename,
                title=reply.file.filename,
            )
        except Exception as err:  # the answer is out; say the file did not follow rather than stay silent
            log.warning("could not upload an export into %s: %s", channel_id, type(err).__name__)
            (notice,) = render(Reply(text=wording.EXPORT_SLACK_FAILED.format(error=type(err).__name__)))
            try:
                await self.client.chat_postMessage(
                    channel=channel_id, thread_ts=thread_ts, text=notice.text, blocks=notice.blocks
                )
            except Exception:  # the bot cannot post there either: the log has it
                log.warning("could not say in %s that the export did not follow", channel_id)

    async def undelivered(self, err: Exception, user_id: str, channel_id: str, thread: str | None) -> None:
        """An answer Slack would not take even after the client's retries: tell the asker, just
        them, so they do not wait for nothing (in the conversation, else in their DM with the app)."""
        log.warning("could not post an answer in %s: %s", channel_id, type(err).__name__)
        (notice,) = render(Reply(text=wording.UNDELIVERED))
        try:
            await self.client.chat_postEphemeral(
                channel=channel_id, user=user_id, thread_ts=thread, text=notice.text, blocks=notice.blocks
            )
            return
        except Exception as again:
            log.warning("could not tell %s in %s either: %s", user_id, channel_id, type(again).__name__)
        try:
            await self.client.chat_postMessage(channel=user_id, text=notice.text, blocks=notice.blocks)
        except Exception as last:  # Slack takes nothing from us now: the log has it
            log.warning("could not tell %s that an answer was lost: %s", user_id, type(last).__name__)

    # -- listeners -----------------------------------------------------------------------------------------
    async def command(self, command: dict[str, Any], respond: Callable[..., Awaitable[Any]]) -> None:
        """``/custseg question``: the answer only the asker sees, with a button to share it."""
        text = incoming(str(command.get("text") or ""))
        refused = await self.refused_question(text, str(command["user_id"]))
        if refused is not None:
            await self.respond_all(respond, render(Reply(text=refused)), response_type="ephemeral")
            return
        user = await self.user(str(command["user_id"]))
        channel_id = str(command["channel_id"])
        channel = await self.channel(channel_id)
        reply = await self.answer({"q": text}, user, channel, None, f"{channel_id}:/")
        try:
            await self.respond_all(
                respond, render(reply, share=_share(reply, text), chart="alt"), response_type="ephemeral"
            )
        except Exception as err:
            await self.undelivered(err, user.user_id, channel_id, None)
            return
        if reply.file is None:
            return
        if channel.visibility == "dm":
            await self.upload_file(channel.channel_id, reply, None)
            return
        # A slash command's answer is the asker's alone; a file uploaded here would be everyone's.
        await self.respond_all(respond, render(Reply(text=wording.EXPORT_SLASH)), response_type="ephemeral")

    async def message(self, event: dict[str, Any], mention: bool) -> None:
        """A direct message, or a mention in a channel: answered in its thread when the channel is
        private to our organisation, otherwise only to the asker, with a button to share it."""
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, joins, other bots: not questions
        if not mention and event.get("channel_type") != "im":
            return
        channel_id, ts = str(event["channel"]), str(event["ts"])
        fresh, excuse = await claim_or_excuse(self.claim(channel_id, ts), f"{channel_id}:{ts}")
        if not fresh:
            log.info("message %s:%s already answered; ignoring the repeat", channel_id, ts)
            return
        raw = str(event.get("text") or "")
        text = incoming(_MENTION.sub("", raw, count=1) if mention else raw)
        user_id = str(event["user"])
        channel = await self.channel(channel_id) if mention else Channel(channel_id, "slack", "dm")
        thread = event.get("thread_ts") or (ts if mention else None)
        # A thread is one conversation; a DM outside threads is one too.
        conversation = f"{channel_id}:{thread}" if thread else channel_id
        refused = None if excuse else await self.refused_question(text, user_id, conversation)
        if refused is not None:
            (notice,) = render(Reply(text=refused))
            await self.client.chat_postEphemeral(
                channel=channel_id, user=user_id, thread_ts=thread, text=notice.text, blocks=notice.blocks
            )
            return
        reply = excuse or await self.answer(
            {"q": text}, await self.user(user_id), channel, None, conversation
        )
        try:
            # A notice meant for the asker alone (a typed decision they may not make) stays theirs.
            if policy.answered_in_the_open(channel) and not (reply.private and channel.visibility != "dm"):
                await self.post(channel_id, reply, thread)
                return
            for message in render(reply, share=_share(reply, text), chart="alt"):
                await self.client.chat_postEphemeral(
                    channel=channel_id,
                    user=user_id,
                    thread_ts=thread,
                    text=message.text,
                    blocks=message.blocks,
                )
        except Exception as err:
            await self.undelivered(err, user_id, channel_id, thread)

    async def button(
        self, body: dict[str, Any], action: dict[str, Any], respond: Callable[..., Awaitable[Any]]
    ) -> None:
        """A brain button: its answer replaces the message carrying it (private notices excepted)."""
        name = parse_brain_action(str(action.get("action_id", "")))
        payload = _value(action)
        source = {"a": name or "", "p": payload}
        container = body.get("container") or {}
        if container.get("type") == "view":
            await self.home_press(str(body["user"]["id"]), source)
            return
        channel_id = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        refused = await self.refused_press(str(body["user"]["id"]), payload)
        if refused is not None:
            await self.show(refused, source, container, channel_id, respond, None)
            return
        user = await self.user(str(body["user"]["id"]))
        shared = container.get("type") == "message" and not container.get("is_ephemeral")
        ts = str(container["message_ts"]) if shared else None
        # The press belongs to the conversation of the thread its message is in (a DM's top level
        # is one conversation, as for typed messages).
        in_thread = (body.get("message") or {}).get("thread_ts") or container.get("thread_ts")
        conversation = f"{channel_id}:{in_thread}" if in_thread else channel_id
        reply = await self.answer(source, user, await self.channel(channel_id), ts, conversation)
        thread = (body.get("message") or {}).get("thread_ts") or ts
        await self.show(reply, source, container, channel_id, respond, str(thread))

    async def show(
        self,
        reply: Reply,
        source: dict[str, Any],
        container: dict[str, Any],
        channel_id: str,
        respond: Callable[..., Awaitable[Any]],
        thread: str | None,
    ) -> None:
        """Show a button's answer: it replaces the message carrying the button when the press changed
        something (``bot.presses``); a failed, stale or refused press, or a click on something
        already decided, is answered to the presser alone and the message stays as it was."""
        if not changes_shared(str(source.get("a") or ""), reply) or container.get("type") != "message":
            await self.respond_all(
                respond,
                render(reply, chart="alt", max_messages=1),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        if container.get("is_ephemeral"):
            # Worth sharing only when it carries customer data (not help, a definition, the overview).
            share = source if reply.customer_data else None
            (message,) = render(reply, share=share, chart="alt", max_messages=1)
            await respond(text=message.text, blocks=message.blocks, replace_original=True)
            return
        ts = str(container["message_ts"])
        (message,) = render(reply, max_messages=1)
        await self.client.chat_update(channel=channel_id, ts=ts, text=message.text, blocks=message.blocks)
        await self.remember(channel_id, ts, reply)
        # A list rewritten after a decision keeps the chart already in its thread.
        if not (source.get("p") or {}).get("list"):
            await self.upload_chart(channel_id, reply, thread)

    async def ask_reason(self, body: dict[str, Any], action: dict[str, Any]) -> None:
        """A button that asks for a reason first (Reject): open a modal with an optional reason;
        its submission (``reason_submitted``) presses the button with the reason added."""
        name = parse_brain_action(str(action.get("action_id", "")))
        payload = _value(action)
        container = body.get("container") or {}
        channel_id = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
        refused = await self.refused_press(str(body["user"]["id"]), payload)
        if refused is not None:
            respond = AsyncRespond(response_url=body.get("response_url"))
            await self.show(refused, {}, container, channel_id, respond, None)
            return
        # Someone who may not decide, or a suggestion already decided, is told so at once instead
        # of being asked for a reason that cannot count. The check has the urgent lane, so the
        # modal opens while the trigger is valid however many answers are queued; past the budget
        # the modal opens unchecked (its submission is checked like any press).
        checking = self.in_worker(
            self.brain.act,
            "action.may_decide",
            {**payload, "to": "rejected"},
            await self.user(str(body["user"]["id"])),
            await self.channel(channel_id),
            urgent=True,
        )
        try:
            check = await asyncio.wait_for(checking, TRIGGER_BUDGET)
        except TimeoutError:
            log.warning(
                "the permission check before the reason form took over %.1f s; opening it", TRIGGER_BUDGET
            )
            check = Reply()
        if check.text:
            respond = AsyncRespond(response_url=body.get("response_url"))
            await self.show(check, {}, container, channel_id, respond, None)
            return
        metadata = {
            "a": name or "",
            "p": payload,
            "c": channel_id,
            "k": container,
            "r": body.get("response_url"),
            "t": (body.get("message") or {}).get("thread_ts"),
        }
        label = str((action.get("text") or {}).get("text") or "Reject").split(" · ")[0]
        view = reason_view(label, label, json.dumps(metadata, separators=(",", ":")))
        await self.client.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)

    async def reason_submitted(self, body: dict[str, Any], view: dict[str, Any]) -> None:
        """The reason modal was submitted: decide with the reason, and show the answer where the
        button was, as a press would."""
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            return
        if not isinstance(meta, dict) or not meta.get("a"):
            return
        state = _mapping(view.get("state"))
        values = (state.get("values") or {}).get(REASON_BLOCK) or {}
        reason = str((values.get(REASON_BLOCK) or {}).get("value") or "").strip()
        given = _mapping(meta.get("p"))
        payload = {**given, **({"reason": reason} if reason else {})}
        source = {"a": str(meta["a"]), "p": payload}
        container = _mapping(meta.get("k"))
        channel_id = str(meta.get("c") or "")
        respond = AsyncRespond(response_url=meta.get("r"))
        refused = await self.refused_press(str(body["user"]["id"]), payload)
        if refused is not None:
            await self.show(refused, source, container, channel_id, respond, None)
            return
        shared = container.get("type") == "message" and not container.get("is_ephemeral")
        ts = str(container.get("message_ts") or "") or None if shared else None
        user = await self.user(str(body["user"]["id"]))
        reply = await self.answer(source, user, await self.channel(channel_id), ts)
        await self.show(reply, source, container, channel_id, respond, meta.get("t") or ts)

    async def share(
        self, body: dict[str, Any], action: dict[str, Any], respond: Callable[..., Awaitable[Any]]
    ) -> None:
        """*Share in channel*: recompute the private answer and post it for everyone, crediting the
        person who shared it; the private copy goes away."""
        source = _value(action)
        if not isinstance(source, dict) or not ({"q", "a"} & set(source)):
            return
        user_id = str(body["user"]["id"])
        channel_id = str((body.get("channel") or {}).get("id") or "")
        channel = await self.channel(channel_id)
        refused = await self.outsider(user_id) or policy.refusal(self.settings, channel)
        if refused is not None:
            await respond(text=refused, response_type="ephemeral", replace_original=False)
            return
        reply = await self.answer(source, await self.user(user_id), channel)
        if not await self.share_as_post(channel_id, reply, user_id):
            await self.respond_all(
                respond,
                render(reply, chart="alt", shared_by=user_id),
                response_type="in_channel",
                replace_original=False,
            )
        await respond(delete_original=True)
        if reply.image is not None and channel_id:
            try:
                await self.upload_chart(channel_id, reply, None)
            except Exception as err:  # the bot may not be in that channel; the text version was shared
                log.warning("could not attach the chart in %s: %s", channel_id, err)

    async def share_as_post(self, channel_id: str, reply: Reply, user_id: str) -> bool:
        """Share an answer with suggestion buttons as the bot's own post (``chat.postMessage``), so it
        has a ts and later decisions can update it; False when it has none, or the bot cannot post
        there (then the interaction's response_url, which works anywhere, shares it unrecorded)."""
        if not channel_id or reply.private or not suggestion_ids(reply):
            return False
        try:
            for message in render(reply, chart="alt", shared_by=user_id):
                response = await self.client.chat_postMessage(
                    channel=channel_id, text=message.text, blocks=message.blocks
                )
        except Exception as err:
            log.warning("could not share into %s as a post: %s", channel_id, err)
            return False
        await self.remember(str(response.get("channel") or channel_id), str(response["ts"]), reply)
        return True

    async def home(self, event: dict[str, Any]) -> None:
        """App Home, rebuilt each time the user opens it; the Messages tab's first opening gets the
        welcome."""
        tab = event.get("tab", "home")
        if tab == "messages":
            await self.welcome(str(event["user"]), str(event.get("channel") or event["user"]))
        elif tab == "home":
            await self.publish_home(str(event["user"]))

    async def publish_home(self, user_id: str) -> None:
        """Build ``user_id``'s App Home (their overview, or the outsider's notice) and publish it."""
        refused = await self.outsider(user_id)
        if refused is not None:
            view = {"type": "home", "blocks": text_blocks(wording.OUTSIDER_HOME)}
            await self.client.views_publish(user_id=user_id, view=view)
            return
        user = await self.user(user_id)
        view = await self.in_worker(home_view, self.brain, user)
        await self.client.views_publish(user_id=user.user_id, view=view)

    async def welcome(self, user_id: str, channel_id: str) -> None:
        """The welcome, the first time ``user_id`` opens the Messages tab (remembered in our store,
        so not again after a restart or on another web process). A welcome Slack did not take is
        forgotten, so the next opening tries again."""
        try:
            if not await self.in_worker(self.welcomed.claim, user_id):
                return
        except Exception as err:  # without the database, no welcome now; the next opening tries again
            log.warning("could not check whether %s was welcomed: %s", user_id, type(err).__name__)
            return
        try:
            await self.post(channel_id, self.brain.welcome())
        except Exception as err:
            log.warning("could not welcome %s: %s", user_id, type(err).__name__)
            try:
                await self.in_worker(self.welcomed.release, user_id)
            except Exception as again:  # then this person goes without a welcome
                log.warning("could not forget the welcome of %s: %s", user_id, type(again).__name__)

    async def home_press(self, user_id: str, source: dict[str, Any]) -> None:
        """A button on App Home: *Refresh* rebuilds the tab; the others are answered in the user's
        DM with the app (the Messages tab), as if pressed there, so follow-ups and the answer's own
        buttons work."""
        if source["a"] == OVERVIEW_ACTION:
            await self.publish_home(user_id)
            return
        dm = await self.direct_channel(user_id)
        reply = await self.refused_press(user_id, source["p"]) or await self.answer(
            source, await self.user(user_id), Channel(dm, "slack", "dm"), None, dm
        )
        try:
            await self.post(dm, reply)
        except Exception as err:  # the DM is where the asker would be told, so the log has it
            log.warning("could not answer a press on App Home: %s", type(err).__name__)

    async def direct_channel(self, user_id: str) -> str:
        """The id of ``user_id``'s DM with the app (``conversations.open``), which names the
        conversation typed messages there belong to; the user id (Slack posts into the DM) when
        Slack does not say."""
        try:
            opened = await self.client.conversations_open(users=user_id)
        except Exception as err:
            log.warning("conversations.open for %s failed: %s", user_id, type(err).__name__)
            return user_id
        return str((opened.get("channel") or {}).get("id") or user_id)

    async def look_up(self, body: dict[str, Any], respond: Callable[..., Awaitable[Any]]) -> None:
        """*Look up customer* on someone's message: the card of the customer it names, in the
        presser's scope, only they see it (ephemeral where the message is; their DM with the app
        when Slack gave no response_url). A message naming none gets a private note saying so."""
        user_id = str(body["user"]["id"])
        channel_id = str((body.get("channel") or {}).get("id") or "")
        text = incoming(str((body.get("message") or {}).get("text") or ""))
        refused = await self.outsider(user_id)
        if refused is not None:
            reply = Reply(text=refused, private=True)
        else:
            user = await self.user(user_id)
            reply = await self.in_worker(self.brain.look_up, text, user, await self.channel(channel_id))
        messages = render(reply, chart="alt")
        if body.get("response_url"):
            await self.respond_all(respond, messages, response_type="ephemeral", replace_original=False)
            return
        for message in messages:
            await self.client.chat_postMessage(channel=user_id, text=message.text, blocks=message.blocks)

    async def refused_press(self, user_id: str, payload: dict[str, Any]) -> Reply | None:
        """The private answer to a press that must not run: the presser is of another
        organisation, or the button's payload is not one custseg made (nothing is decided)."""
        refused = await self.outsider(user_id)
        if refused is not None:
            return Reply(text=refused, private=True)
        if not readable(payload):
            return Reply(context="Not understood", text=STALE_BUTTON, private=True)
        return None

    @staticmethod
    async def respond_all(
        respond: Callable[..., Awaitable[Any]], messages: list[Message], **kwargs: Any
    ) -> None:
        for message in messages:
            await respond(text=message.text, blocks=message.blocks, **kwargs)


def _share(reply: Reply, text: str) -> dict[str, Any] | None:
    """The *Share in channel* source of a private answer: only answers carrying customer data are
    worth sharing (not help, a refusal or the ask-again excuse)."""
    return {"q": text} if reply.customer_data else None
