"""The App Home tab: one person's overview (``bot.overview``), rebuilt each time it is opened.

Its buttons are the overview's: *Refresh* rebuilds the tab, the example questions and each
section's *Open in chat* are answered in the app's Messages tab, where the answer carries its own
buttons (*Show more*, the decisions), so the tab stays a summary. Someone the settings do not know
sees one notice saying which id to add, not one per section."""

from __future__ import annotations

from typing import Any

from adapters.slack.render import MAX_HOME_BLOCKS, button_element, content_blocks, context_blocks, escape
from bot import wording
from bot.context import ChatUser
from bot.handlers.talk import examples
from bot.overview import OVERVIEW_ACTION, SECTIONS, sections
from bot.reply import Button, Reply
from bot.services.chat import ChatService, who_are_you

HOME_FOOTER = "Refreshed each time you open this tab. Message me, mention me or use /custseg to ask anything."
# Each section gets an equal share of the tab's 100 blocks (less the buttons at the top), so one
# long answer cannot crowd out the rest.
SECTION_BLOCKS = (MAX_HOME_BLOCKS - 4) // (len(SECTIONS) + 1)


def _header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


class _Buttons:
    """Actions blocks for the tab, numbered across it: Slack wants action ids unique in a view."""

    def __init__(self) -> None:
        self.count = 0

    def block(self, buttons: list[Button]) -> list[dict[str, Any]]:
        elements = []
        for button in buttons:
            if (element := button_element(button, self.count)) is not None:
                elements.append(element)
            self.count += 1
        return [{"type": "actions", "elements": elements}] if elements else []


def _section_blocks(title: str, reply: Reply, opener: list[dict[str, Any]]) -> list[dict[str, Any]]:
    blocks = [_header(title), *content_blocks(reply, chart="alt")]
    if reply.footer:
        blocks += context_blocks(reply.footer)[:1]
    return [*blocks[: SECTION_BLOCKS - 1 - len(opener)], *opener, {"type": "divider"}]


def home_view(brain: ChatService, user: ChatUser) -> dict[str, Any]:
    """The ``views.publish`` view for ``user`` (at most 100 blocks)."""
    if brain.access.of(user).stranger:
        # Every section would say the same "who are you"; once is enough.
        return {"type": "home", "blocks": [*context_blocks(who_are_you(user)), *context_blocks(HOME_FOOTER)]}
    numbered = _Buttons()
    blocks = numbered.block([Button(wording.OVERVIEW_REFRESH, OVERVIEW_ACTION), *examples()])
    blocks += context_blocks(wording.HOME_ACTIONS)
    *parts, (subscriptions_title, subscriptions) = sections(
        brain.store, brain.run, user, lambda c: f"<#{escape(c)}>"
    )
    for (_, query), (title, reply) in zip(SECTIONS, parts, strict=True):
        opener = numbered.block([Button(wording.HOME_OPEN_IN_CHAT, "run_query", {"query": query.to_json()})])
        blocks += _section_blocks(title, reply, opener)
    blocks += [
        _header(subscriptions_title),
        {"type": "section", "text": {"type": "mrkdwn", "text": subscriptions.text[:3000]}},
    ]
    blocks += context_blocks(HOME_FOOTER)
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
