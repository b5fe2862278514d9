"""Posting into Slack without being asked (digests, alerts, approval tasks): the ``Poster`` port.

The outbox owns retries, so this client makes none of its own: a 429 or a 5xx, or a network failure,
becomes ``DeliveryError(retryable=True)`` with Slack's ``Retry-After`` when it gave one; anything else
Slack refuses (channel not found, bot not in channel, revoked token) is not retryable. Before each
post the channel is looked up: one shared with another organisation (Slack Connect) is refused, not
retried, unless listed in ``[channels] allow_external``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from adapters.slack.channels import is_direct, visibility
from adapters.slack.render import render
from bot.delivery import Posted
from bot.reply import Reply
from custseg.errors import DeliveryError

T = TypeVar("T")
log = logging.getLogger("custseg.slack")


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
        timeout: int = 10,
        allow_external: Iterable[str] = (),
    ):
        self.client = WebClient(
            token=token, base_url=base_url or WebClient.BASE_URL, timeout=timeout, retry_handlers=[]
        )
        self.allow_external = frozenset(allow_external)

    @classmethod
    def from_env(cls, env: Mapping[str, str], allow_external: Iterable[str] = ()) -> SlackPoster:
        token = env.get("SLACK_BOT_TOKEN")
        if not token:
            raise DeliveryError("Slack posts need SLACK_BOT_TOKEN in the environment.", retryable=False)
        return cls(token, env.get("SLACK_API_URL"), allow_external=allow_external)

    def check_channel(self, channel_id: str) -> None:
        """Raise a non-retryable DeliveryError when ``channel_id`` is shared with another
        organisation and not allowed; direct messages need no check."""
        if is_direct(channel_id) or f"slack:{channel_id}" in self.allow_external:
            return
        info: Any = self._call("a channel check", lambda: self.client.conversations_info(channel=channel_id))
        if visibility(info.get("channel") or {}) == "external":
            raise DeliveryError(
                f"Refused: the Slack channel {channel_id} is shared with another organisation (Slack "
                "Connect), so no customer data is posted there. Subscribe a channel of your own "
                f'organisation, or allow this one with [channels] allow_external = ["slack:{channel_id}"].',
                retryable=False,
            )

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
        self.check_channel(channel_id)
        (message,) = render(reply, max_messages=1)
        response: Any = self._call(
            "a post",
            lambda: self.client.chat_postMessage(
                channel=channel_id, text=message.text, blocks=message.blocks
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
