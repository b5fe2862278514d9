"""Rewriting the posted copies of a suggestion after a decision, and queueing their updates.

Every non-ephemeral message with suggestion buttons is recorded when posted (``bot.outbox.remember``).
After a transition, each copy gets new content: a single suggestion's card is simply drawn again;
a list message (digest, churn alert, pending list) is rewritten from its stored content, so the
other suggestions on it keep their buttons, and the stored content is replaced by the result, so
the next decision on the same list starts from it. Copies other than the one whose button was
pressed are updated through the outbox, exactly once per copy and transition.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from bot.delivery import Posted
from bot.outbox import enqueue_update, reply_from_json, reply_to_json
from bot.reply import Button, Reply
from custseg.errors import ActionError
from custseg.store import copies
from custseg.store.copies import Copy
from custseg.store.db import Store

# Two decisions on one list at the same moment: the loser re-reads the list and rewrites again.
ATTEMPTS = 5


def rewrite_list(reply: Reply, suggestion_id: int, line: str, keep: list[Button]) -> Reply:
    """``reply`` (a list message) with one suggestion's buttons replaced by ``keep`` and its decision
    ``line`` shown: in place of its earlier decision line (lines start with ``#<id> ``), else added
    at the end of the text."""
    buttons = [b for b in reply.buttons if b.payload.get("suggestion_id") != suggestion_id]
    lines = reply.text.split("\n") if reply.text else []
    mark = f"#{suggestion_id} "
    at = next((i for i, text in enumerate(lines) if text.startswith(mark)), None)
    if at is None:
        lines.append(line)
    else:
        lines[at] = line
    return dataclasses.replace(reply, text="\n".join(lines), buttons=[*buttons, *keep], private=False)


def rewrite(store: Store, copy: Copy, make: Callable[[Copy, Reply], Reply]) -> Reply:
    """Store ``make(copy, its current content)`` as the copy's content and return it; if another
    decision rewrote the copy meanwhile, start again from that newer content."""
    for _ in range(ATTEMPTS):
        new = make(copy, reply_from_json(copy.reply))
        if copies.save(store, copy, reply_to_json(new)):
            return new
        copy = copies.get_copy(store, copy.id)
    raise ActionError("A message with this suggestion is being changed right now; please try again.")


def update_key(copy: Copy, transition_id: int) -> str:
    """The outbox key of a copy's update after one audited transition (so it is queued once)."""
    return f"update:{copy.id}:{transition_id}"


def spread(
    store: Store,
    suggestion_id: int,
    transition_id: int,
    make: Callable[[Copy, Reply], Reply],
    pressed: Copy | None = None,
) -> Reply | None:
    """Rewrite every recorded copy of the suggestion with ``make`` and queue the updates, except
    for ``pressed`` (the message whose button made the change, updated by the adapter as it
    answers): its new content is returned (None when it is not one of the copies)."""
    answer = None
    for copy in copies.of_suggestion(store, suggestion_id):
        new = rewrite(store, copy, make)
        if pressed is not None and copy.id == pressed.id:
            answer = new
            continue
        enqueue_update(
            store,
            Posted(copy.platform, copy.channel_id, copy.message_id),
            update_key(copy, transition_id),
            new,
        )
    return answer
