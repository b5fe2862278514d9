"""The channel-neutral reply: what the brain says, before any platform renders it.

Adapters (terminal, Slack Block Kit, Teams Adaptive Cards) render these pieces and nothing else, so
every channel gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Align = Literal["left", "right"]


@dataclass(frozen=True)
class Button:
    """A choice the user can make. ``action_id`` names the handler; ``payload`` is what it needs.

    ``asks_reason``: the platform asks for an optional free-text reason first (a Slack modal, a
    Teams input) and adds it to the payload as ``"reason"``; where it cannot ask, the button works
    without one.
    """

    label: str
    action_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    style: Literal["primary", "danger"] | None = None
    asks_reason: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of already-formatted cells; ``align`` per column (numbers right-aligned).

    ``key`` names the columns that say most about a row, in order: what the row is (a customer's
    name), its key figure and its status. Where room is short (a phone) a renderer shows these and
    the other columns on request. Empty: the first column and the first right-aligned one after it.
    """

    headers: list[str]
    rows: list[list[str]]
    align: list[Align] = field(default_factory=list)
    key: list[int] = field(default_factory=list)

    def alignment(self, column: int) -> Align:
        return self.align[column] if column < len(self.align) else "left"

    def row_columns(self, most: int) -> list[int]:
        """The columns a row shows side by side where only ``most`` fit: all of a table that has no
        more, else its key columns (at most ``most``)."""
        if len(self.headers) <= most:
            return list(range(len(self.headers)))
        return self.key_columns()[:most]

    def key_columns(self) -> list[int]:
        """``key`` when given, else the first column and the first right-aligned one after it."""
        if self.key:
            return [k for k in self.key if k < len(self.headers)]
        figure = next((i for i in range(1, len(self.headers)) if self.alignment(i) == "right"), None)
        return [0] if figure is None else [0, figure]


@dataclass(frozen=True)
class Image:
    """A chart: PNG bytes plus a text alternative for channels (and people) that cannot show it."""

    title: str
    png: bytes
    alt_text: str


@dataclass(frozen=True)
class Attachment:
    """A file the answer carries (an export): its name, bytes and media type, and how many data
    rows it holds. Slack uploads it to the thread, Teams links to it, the terminal saves it."""

    filename: str
    content: bytes
    media_type: str
    rows: int


@dataclass
class Reply:
    """One answer.

    Attributes
    ----------
    context : str
        The interpretation in plain words, shown first ("Dormant · high value · your accounts —
        14 customers, top 10 by revenue"), so the user sees at once whether they were understood.
    title : str, optional
        A heading for cards and profiles.
    text : str
        The message body (plain text with *bold* and _italic_ only).
    fields : list of (label, value)
        Short facts shown side by side.
    table, image : optional
        A table of rows; a chart.
    buttons : list of Button
        Follow-up actions ("show more", "approve").
    footer : str, optional
        Small print: as-of date, caveats, what a number is based on.
    private : bool
        A notice only for the person who asked or pressed a button ("only managers of EMEA can
        approve this"): adapters show it to them alone and leave any shared message unchanged.
        Otherwise the answer to a button press replaces the message that carried the button.
    customer_data : bool
        Whether it answers an intent whose declaration says it carries customer data, or a press
        answered from the book (set by the chat service): only such answers are offered for
        sharing in a channel.
    file : Attachment, optional
        A file to hand over with the message (an export).
    answer : dict, optional
        The answer in the contract's terms (``kind`` and its fields, ``notes``) for an intent the
        query engine does not answer (decide, export, define, smalltalk): what ``custseg ask
        --json`` prints.
    language : str
        The language it is said in (``bot/i18n.py``): adapters say their own words in it too.
    """

    context: str = ""
    title: str | None = None
    text: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    table: Table | None = None
    image: Image | None = None
    buttons: list[Button] = field(default_factory=list)
    footer: str | None = None
    private: bool = False
    customer_data: bool = False
    file: Attachment | None = None
    answer: dict[str, Any] | None = None
    language: str = "en"

    def plain_text(self) -> str:
        """Everything readable in one string (for notifications, logs of replies and tests)."""
        parts = [self.context, self.title or "", self.text]
        parts += [f"{label}: {value}" for label, value in self.fields]
        if self.table:
            parts.append(" | ".join(self.table.headers))
            parts += [" | ".join(row) for row in self.table.rows]
        if self.image:
            parts.append(self.image.alt_text)
        if self.file:
            parts.append(self.file.filename)
        parts += [f"[{b.label}]" for b in self.buttons]
        if self.footer:
            parts.append(self.footer)
        return "\n".join(p for p in parts if p)
