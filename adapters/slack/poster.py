"""Posting into Slack without being asked (digests, alerts, approval tasks): the ``Poster`` port.

The outbox owns retries, so this client makes none of its own: a 429 or a 5xx, or a network failure,
becomes ``DeliveryError(retryable=True)`` with Slack's ``Retry-After`` when it gave one; anything else
Slack refuses (channel not found, bot not in channel, revoked token) is not retryable. Before each
post the channel is looked up: one shared with another organisation (Slack Connect) is refused, not
retried, unless listed in ``[channels] allow_external``.

Each post carries its outbox key in the message metadata (``event_type`` ``custseg_outbox``), so a
post whose answer never came back (a timeout, a reset connection, a worker killed mid-send) is
looked up in ``conversations.history`` before it is sent again (``find_tagged``): Slack has it or
it does not, and nothing is posted twice. ``SLACK_API_TIMEOUT`` sets the seconds each Web API call
may take (10 by default; keep it well below ``[delivery] lease_seconds``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from adapters.slack.channels import is_direct, visibility
from adapters.slack.render import render
from bot import channels as policy
from bot.context import Channel
from bot.delivery import Posted
from bot.reply import Reply
from custseg.errors import DeliveryError

T = TypeVar("T")
log = logging.getLogger("custseg.slack")
METADATA_TYPE = "custseg_outbox"
TIMEOUT_ENV = "SLACK_API_TIMEOUT"
# conversations.history pages read when looking for an earlier post (200 messages each): a post is
# looked up soon after its attempt, so it is near the top of the channel.
HISTORY_PAGES = 10
# Slack's clock and ours may differ a little: look a minute further back than the row was queued.
CLOCK_SLACK = dt.timedelta(minutes=1)


def _retry_after(err: SlackApiError) -> float | None:
    headers = getattr(err.response, "headers", None) or {}
    for key, value in headers.items():
        if key.lower() == "retry-after":
            try:
                return float(value[0] if isinstance(value, list) else value)
            except (TypeError, ValueError):
                return None
    return None


class SlackPoster:
    """Posts neutral replies into Slack channels with the bot token.

    Parameters
    ----------
    token : str
        The bot token (``xoxb-…``), from ``SLACK_BOT_TOKEN``.
    base_url : str, optional
        The Web API base URL (``SLACK_API_URL``; Slack's own by default).
    timeout : int
        Seconds to wait for each Web API call.
    allow_external : iterable of str
        Externally shared channels an admin allowed (``"slack:C123"``, from ``[channels]``).
    """

    platform = "slack"

    def __init__(
        self,
        token: str,
        base_url: str | None = None,
        timeout: float = 10,
        allow_external: Iterable[str] = (),
    ):
        self.client = WebClient(
            token=token,
            base_url=base_url or WebClient.BASE_URL,
            timeout=timeout,  # type: ignore[arg-type]  # urllib takes fractions of a second too
            retry_handlers=[],
        )
        self.allow_external = frozenset(allow_external)

    @classmethod
    def from_env(cls, env: Mapping[str, str], allow_external: Iterable[str] = ()) -> SlackPoster:
        token = env.get("SLACK_BOT_TOKEN")
        if not token:
            raise DeliveryError("Slack posts need SLACK_BOT_TOKEN in the environment.", retryable=False)
        try:
            timeout = float(env.get(TIMEOUT_ENV) or 10)
        except ValueError:
            raise DeliveryError(
                f"{TIMEOUT_ENV} must be a number of seconds, not {env.get(TIMEOUT_ENV)!r}.", retryable=False
            ) from None
        return cls(token, env.get("SLACK_API_URL"), timeout, allow_external=allow_external)

    def check_channel(self, channel_id: str) -> None:
        """Raise a non-retryable DeliveryError when ``channel_id`` is shared with another
        organisation and not allowed; direct messages need no check."""
        if is_direct(channel_id) or f"slack:{channel_id}" in self.allow_external:
            return
        info: Any = self._call("a channel check", lambda: self.client.conversations_info(channel=channel_id))
        seen = Channel(channel_id, "slack", visibility(info.get("channel") or {}))
        refused = policy.post_refusal(seen, self.allow_external, why="shared")
        if refused is not None:
            raise DeliveryError(refused.text, retryable=refused.retryable)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except SlackApiError as err:
            status = getattr(err.response, "status_code", 0) or 0
            code = err.response.get("error") if err.response is not None else None
            retryable = status == 429 or status >= 500 or code in ("ratelimited", "service_unavailable")
            raise DeliveryError(
                f"Slack refused {what}: {code or status}.",
                retryable=retryable,
                retry_after=_retry_after(err) if retryable else None,
            ) from err
        except (SlackRequestError, OSError) as err:  # URLError, timeouts and refused connections
            raise DeliveryError(f"Could not reach Slack for {what}: {err}", retryable=True) from err

    def post(self, channel_id: str, reply: Reply) -> Posted:
        """Post ``reply`` (one message; its chart in the message's thread)."""
        return self.post_tagged(channel_id, reply, None)

    def post_tagged(self, channel_id: str, reply: Reply, key: str | None) -> Posted:
        """Post ``reply`` carrying the outbox ``key`` in its metadata, so ``find_tagged`` finds it."""
        self.check_channel(channel_id)
        (message,) = render(reply, max_messages=1)
        metadata = {"event_type": METADATA_TYPE, "event_payload": {"key": key}} if key else None
        response: Any = self._call(
            "a post",
            lambda: self.client.chat_postMessage(
                channel=channel_id, text=message.text, blocks=message.blocks, metadata=metadata
            ),
        )
        posted = Posted("slack", str(response.get("channel") or channel_id), str(response["ts"]))
        if reply.image is not None:
            image = reply.image
            name = re.sub(r"\W+", "-", image.title.lower()).strip("-") or "chart"
            try:
                self._call(
                    "a chart upload",
                    lambda: self.client.files_upload_v2(
                        channel=posted.channel_id,
                        thread_ts=posted.message_id,
                        file=image.png,
                        filename=f"{name}.png",
                        title=image.title,
                        alt_txt=image.alt_text[:1000],
                    ),
                )
            except DeliveryError as err:
                # The message itself is delivered; failing here would make the outbox post it twice.
                log.warning("chart for %s:%s not attached: %s", posted.channel_id, posted.message_id, err)
        return posted

    def update(self, posted: Posted, reply: Reply) -> None:
        """Replace an earlier post's content in place."""
        (message,) = render(reply, max_messages=1)
        self._call(
            "an update",
            lambda: self.client.chat_update(
                channel=posted.channel_id, ts=posted.message_id, text=message.text, blocks=message.blocks
            ),
        )

    def find_tagged(self, channel_id: str, key: str, since: dt.datetime) -> Posted | None:
        """The bot's message carrying ``key`` posted into ``channel_id`` after ``since`` (naive UTC),
        or None. A bot without the history scope of that kind of channel cannot look: it says so in
        the log and the post is sent again (at least once)."""
        where = channel_id
        if is_direct(channel_id) and not channel_id.startswith("D"):
            opened: Any = self._call("opening a DM", lambda: self.client.conversations_open(users=channel_id))
            where = str((opened.get("channel") or {}).get("id") or channel_id)
        oldest = f"{(since.replace(tzinfo=dt.UTC) - CLOCK_SLACK).timestamp():.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:

                def lookup(after: str | None = cursor) -> Any:
                    return self.client.conversations_history(
                        channel=where, oldest=oldest, limit=200, include_all_metadata=True, cursor=after
                    )

                page: Any = self._call("a history lookup", lookup)
            except DeliveryError as err:
                if err.retryable or "missing_scope" not in str(err):
                    raise
                log.warning(
                    "cannot check whether %s was posted in %s already (the bot lacks a *:history scope); "
                    "posting it again",
                    key,
                    channel_id,
                )
                return None
            for message in page.get("messages") or []:
                meta = message.get("metadata") or {}
                if (
                    meta.get("event_type") == METADATA_TYPE
                    and (meta.get("event_payload") or {}).get("key") == key
                ):
                    return Posted("slack", where, str(message["ts"]))
            cursor = ((page.get("response_metadata") or {}).get("next_cursor")) or None
            if not page.get("has_more") or not cursor:
                return None
        log.warning("%s not found in the last %d pages of %s; posting it", key, HISTORY_PAGES, channel_id)
        return None
