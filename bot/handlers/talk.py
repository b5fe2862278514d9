"""Help, and what to say when a message is not understood."""

from __future__ import annotations

from typing import Any

from bot import wording
from bot.context import Context
from bot.interpret import interpretation
from bot.overview import OVERVIEW_ACTION, overview_button, overview_reply, stored_names
from bot.reply import Button, Reply
from custseg.query import Query


def examples() -> list[Button]:
    """Example questions as buttons that ask them."""
    return [Button(text, "ask", {"text": text}) for text in wording.EXAMPLES[:5]]


def welcome() -> Reply:
    """The first message a new user gets."""
    return Reply(
        context=wording.CONTEXT_LABEL["welcome"],
        text=wording.WELCOME + "\n" + "\n".join(f"• {e}" for e in wording.EXAMPLES),
        buttons=[overview_button()],
    )


def help_(ctx: Context, query: Query) -> Reply:
    return Reply(
        context=wording.CONTEXT_LABEL["help"],
        title=wording.HELP_TITLE,
        text=wording.HELP_TEXT
        + f"\n\n{wording.FOR_EXAMPLE}\n"
        + "\n".join(f"• {e}" for e in wording.EXAMPLES),
        buttons=[*examples(), overview_button()],
    )


def overview(ctx: Context, payload: dict[str, Any]) -> Reply:
    """*My overview* and its *Refresh*: the person's own book, answered in place."""
    ctx.book  # noqa: B018  no overview before the first snapshot (NoSnapshotError, as before)
    assert ctx.run is not None
    labels = stored_names(ctx.store, ctx.user.platform)
    return overview_reply(ctx.settings, ctx.store, ctx.run, ctx.user, labels)


def unknown(ctx: Context, query: Query) -> Reply:
    if query.unsupported:
        # The chat service leads with what could not be applied and why; what follows is what
        # can be asked instead, not a "didn't catch that" that contradicts it.
        return Reply(
            context=interpretation(query),
            text=wording.UNSUPPORTED_INSTEAD + "\n" + "\n".join(f"• {e}" for e in wording.EXAMPLES[:6]),
            buttons=examples(),
        )
    return Reply(
        context=wording.INTENT_LABEL["unknown"],
        text=wording.UNKNOWN + "\n" + "\n".join(f"• {e}" for e in wording.EXAMPLES),
        buttons=examples(),
    )


INTENTS = {"help": help_, "unknown": unknown}
ACTIONS = {OVERVIEW_ACTION: overview}
