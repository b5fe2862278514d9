"""One declaration per intent: what the interpretation line calls it, whether its answer carries
customer data, and whether people the settings do not know may use it.

Everything that treats intents differently asks here (the interpretation line, the stranger check
of the chat service, the channel-data policy), so a new intent is one declaration, not an edit in
every adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# What the interpretation line shows after the intent's words: the selection itself, led by its
# filters, with the count or list that answered it ("Dormant · high value — 14 customers, top 10 by
# revenue"); the customer named; the filters; the topic of a scheduled post; the figure computed
# ("Revenue by region · this year"); the labels moved between; the term defined; or nothing more.
Shows = Literal["selection", "customer", "filters", "topic", "figure", "movement", "term", "label"]


@dataclass(frozen=True)
class Intent:
    """What the rest of the bot needs to know about one intent of the query contract.

    Parameters
    ----------
    name : str
        The intent as the query contract spells it (``find_customers``).
    label : str
        The words the interpretation line shows for it ("Customer profile").
    customer_data : bool
        Whether its answer can carry customer data (names, revenue, risk): such answers are kept
        out of channels outsiders can read.
    open_to_strangers : bool
        Whether someone the settings do not map to a person may use it.
    shows : {"selection", "customer", "filters", "topic", "figure", "movement", "term", "label"}
        What the interpretation line adds to the label (see ``Shows``).
    """

    name: str
    label: str
    customer_data: bool = True
    open_to_strangers: bool = False
    shows: Shows = "label"


DECLARATIONS: tuple[Intent, ...] = (
    Intent("find_customers", "Customers", shows="selection"),
    Intent("count_customers", "Customer count", shows="selection"),
    Intent("aggregate", "Figure", shows="figure"),
    Intent("breakdown", "Breakdown", shows="figure"),
    Intent("segment_overview", "Segment breakdown", shows="filters"),
    Intent("trend", "Trend", shows="figure"),
    Intent("movements", "Movements", shows="movement"),
    Intent("customer_profile", "Customer profile", shows="customer"),
    Intent("explain", "Why", shows="customer"),
    Intent("key_account_digest", "Key-account digest", shows="filters"),
    Intent("churn_alerts", "Churn alerts", shows="filters"),
    Intent("pending_actions", "Actions awaiting a decision", shows="filters"),
    Intent("propose_action", "Win-back suggestion", shows="customer"),
    Intent("decide", "Decision", shows="customer"),
    Intent("export", "Export", shows="filters"),
    Intent("define", "Definition", customer_data=False, shows="term"),
    Intent("subscribe", "Schedule a post", customer_data=False, shows="topic"),
    Intent("unsubscribe", "Stop a scheduled post", customer_data=False, shows="topic"),
    Intent("smalltalk", "Hello", customer_data=False),
    Intent("help", "Help", customer_data=False, open_to_strangers=True),
    Intent("unknown", "Not understood", customer_data=False, open_to_strangers=True),
)
INTENTS: Mapping[str, Intent] = {i.name: i for i in DECLARATIONS}


def declaration(name: object) -> Intent:
    """The declaration of intent ``name``; one not declared is treated as carrying customer data
    and closed to strangers (failing closed), labelled by its name."""
    found = INTENTS.get(name) if isinstance(name, str) else None
    return found if found is not None else Intent(str(name), str(name))
