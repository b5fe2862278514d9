"""Key-account digest and churn alerts: the same content on demand in chat and on a schedule.

The weekly digest compares the latest snapshot with the one about a week before. Churn alerts name
customers who newly crossed into high churn risk or a dormant stage: on demand since the previous
snapshot; scheduled, since the channel's previous alert, never twice in one episode
(``plan_alerts`` decides, the worker remembers the episodes).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bot import i18n, wording
from bot.charts import chart_language, key_account_value_chart
from bot.context import Context
from bot.freshness import with_freshness
from bot.handlers.customers import customer_table, special
from bot.interpret import interpretation, money
from bot.reply import Button, Image, Reply, Table
from bot.winback.cards import list_buttons, no_play_sentence, play_sentence
from bot.winback.rights import actor_of
from config.labels import STAGES
from config.settings import Settings
from custseg.actions import Actor, Playbook, Suggestion, open_for, propose
from custseg.errors import StoreError
from custseg.query import Filters, ListedCustomer, Query, Selection
from custseg.snapshot.frame import Snapshot
from custseg.snapshot.storage import load_snapshot
from custseg.store.db import Store

WEEK = 7
MAX_MOVES = 8
MAX_ALERTED = 8  # customers per alert message with their own suggestion and buttons
RISK_ORDER = {"low": 0, "medium": 1, "high": 2}
STAGE_ORDER = {"new": 0, "active": 0, "declining": 1, "dormant": 2, "lost": 3}


# -- extra digest sections (win-back actions plug in here) ------------------------------------------------


@dataclass
class DigestPart:
    """Lines (and drill-in buttons) another feature adds to the digest."""

    lines: list[str]
    buttons: list[Button] = field(default_factory=list)


# ``fn(ctx, scope_rows, since) -> DigestPart | None``: a section another feature adds to the digest.
# Win-back actions (issue 8) add "actions awaiting approval" and "how last weeks' approved actions
# turned out" (``bot.handlers.action_lists.DIGEST_PARTS``, registered by the composition root); a
# section returning None (nothing to say this week) adds nothing.
DigestSection = Callable[[Context, pd.DataFrame, dt.date], DigestPart | None]


# -- shared helpers ---------------------------------------------------------------------------------------


def value_basis(snap: Snapshot) -> str:
    """``clv`` when the snapshot carries a fitted lifetime value, else ``revenue``."""
    if snap.notes.get("clv_available") and "clv" in snap.customers.columns:
        return "clv"
    return "revenue"


def previous_snapshot(store: Store, snap: Snapshot, days: int = 0) -> Snapshot | None:
    """The snapshot at least ``days`` before ``snap`` (the latest such), else the one just before."""
    try:
        if days:
            try:
                return load_snapshot(store, before=snap.as_of - dt.timedelta(days=days - 1))
            except StoreError:
                pass
        return load_snapshot(store, before=snap.as_of)
    except StoreError:
        return None


def _where(query: Query) -> Filters:
    """The query's owner and region filters: which part of the book a digest or list is about."""
    return Filters.of({"owner": query.filters.owner, "region": query.filters.region})


def scope_rows(ctx: Context, query: Query) -> tuple[pd.DataFrame | None, Reply | None]:
    """The snapshot rows within the asker's scope and the query's owner/region filters."""
    selected = ctx.book.select(_where(query))
    if not isinstance(selected, Selection):
        return None, special(ctx, query, selected)
    return ctx.book.rows(selected), None


def _name(cid: str, name: Any) -> str:
    return str(name) if isinstance(name, str) and name else str(cid)


def _rows(frame: pd.DataFrame) -> list[ListedCustomer]:
    keys = ("name", "owner", "segment", "lifecycle", "churn_risk", "key_account", "revenue", "recency_days")
    return [ListedCustomer(customer_id=str(cid), **{k: r[k] for k in keys}) for cid, r in frame.iterrows()]


def _pct_change(now: float, before: float) -> str:
    if before <= 0:
        return wording.DIGEST_CHANGE["none"]
    change = (now - before) / before
    return wording.DIGEST_CHANGE["up" if change >= 0 else "down"].format(pct=i18n.percent_of(abs(change), 0))


# -- the digest -------------------------------------------------------------------------------------------


def key_account_moves(before: pd.DataFrame, after: pd.DataFrame, basis: str) -> pd.DataFrame:
    """Key accounts (in ``after``) whose segment, stage or churn risk differs from ``before``.

    Returns
    -------
    DataFrame
        Indexed by customer id: ``name``, ``owner``, ``change`` (e.g. "champions → at risk;
        active → declining"), ``value`` (``basis`` in currency units) and ``slipped`` (stage or
        risk got worse). Slipped first, then by value.
    """
    keys = after[after["key_account"]]
    old = before.reindex(keys.index)
    known = old["segment"].notna()
    keys, old = keys[known], old[known]
    rows = []
    for cid in keys.index:
        a, b = keys.loc[cid], old.loc[cid]
        parts = []
        if a["segment"] != b["segment"]:
            parts.append(f"{wording.SEGMENT_LABEL[b['segment']]} → {wording.SEGMENT_LABEL[a['segment']]}")
        if a["lifecycle"] != b["lifecycle"]:
            parts.append(f"{wording.STAGE_LABEL[b['lifecycle']]} → {wording.STAGE_LABEL[a['lifecycle']]}")
        if a["churn_risk"] != b["churn_risk"]:
            parts.append(f"risk {b['churn_risk']} → {a['churn_risk']}")
        if parts:
            slipped = (
                STAGE_ORDER[a["lifecycle"]] > STAGE_ORDER[b["lifecycle"]]
                or RISK_ORDER[a["churn_risk"]] > RISK_ORDER[b["churn_risk"]]
            )
            rows.append(
                {
                    "customer_id": cid,
                    "name": _name(cid, a["name"]),
                    "owner": a["owner"],
                    "change": "; ".join(parts),
                    "value": float(a[basis]),
                    "slipped": bool(slipped),
                }
            )
    out = pd.DataFrame(rows, columns=["customer_id", "name", "owner", "change", "value", "slipped"])
    return out.sort_values(["slipped", "value"], ascending=[False, False]).set_index("customer_id")


def _stage_values(frame: pd.DataFrame, basis: str) -> list[float]:
    keys = frame[frame["key_account"]]
    sums = keys.groupby("lifecycle", observed=True)[basis].sum()
    return [float(sums.get(stage, 0.0)) for stage in STAGES]


def _drill_buttons(query: Query, moves: pd.DataFrame) -> list[Button]:
    scope = _where(query).to_json()

    def find(**filters: Any) -> dict[str, Any]:
        return {"query": {"intent": "find_customers", "filters": {**scope, **filters}}}

    buttons = [
        Button(
            wording.DIGEST_BUTTONS["declining"], "run_query", find(key_account=True, lifecycle="declining")
        ),
        Button(wording.DIGEST_BUTTONS["dormant"], "run_query", find(lifecycle="dormant", value_tier="high")),
        Button(
            wording.DIGEST_BUTTONS["alerts"],
            "run_query",
            {"query": {"intent": "churn_alerts", **({"filters": scope} if scope else {})}},
        ),
    ]
    if len(moves):
        top = str(moves["name"].iloc[0])
        buttons.append(
            Button(
                wording.DIGEST_BUTTONS["profile"].format(name=top),
                "run_query",
                {"query": {"intent": "customer_profile", "customer": top}},
            )
        )
    return buttons


def digest(ctx: Context, query: Query) -> Reply:
    frame, fallback = scope_rows(ctx, query)
    if fallback:
        return fallback
    assert frame is not None
    snap = ctx.book.snapshot
    cur = ctx.currency
    basis = value_basis(snap)
    basis_label = wording.VALUE_BASIS[basis]
    keys = frame[frame["key_account"]]
    lines = [
        wording.DIGEST_KEYS.format(
            n=len(keys), value=money(float(keys[basis].sum()), cur), basis=basis_label
        ),
        # The trend sits under the key-account headline, so it is the key accounts' own; the whole
        # book's follows, labelled as such, for comparison.
        wording.DIGEST_TREND.format(
            now=money(float(keys["revenue_90d"].sum()), cur),
            change=_pct_change(float(keys["revenue_90d"].sum()), float(keys["revenue_prev_90d"].sum())),
            book_now=money(float(frame["revenue_90d"].sum()), cur),
            book_change=_pct_change(
                float(frame["revenue_90d"].sum()), float(frame["revenue_prev_90d"].sum())
            ),
        ),
    ]
    table = image = None
    moves = pd.DataFrame(columns=["name", "owner", "change", "value", "slipped"])
    previous = previous_snapshot(ctx.store, snap, WEEK)
    if previous is None:
        lines.append(wording.NO_PREVIOUS)
        since = snap.as_of
    else:
        since = previous.as_of
        before = previous.customers
        moves = key_account_moves(before, frame, basis)
        if len(moves):
            n = len(moves)
            lines.append(wording.DIGEST_MOVES.format(since=since, n=n, s="s" if n != 1 else ""))
            slipped = moves[moves["slipped"]]
            if len(slipped):
                lines.append(
                    wording.DIGEST_STAKE.format(
                        value=money(float(slipped["value"].sum()), cur), basis=basis_label, n=len(slipped)
                    )
                )
            table = Table(
                [*wording.DIGEST_HEADERS, basis_label.capitalize()],
                [
                    [r.name, r.owner or "—", r.change, money(r.value, cur)]
                    for r in moves.head(MAX_MOVES).itertuples()
                ],
                ["left", "left", "left", "right"],
                key=[0, 3, 2],
            )
        else:
            lines.append(wording.DIGEST_NO_MOVES.format(since=since))
        was = _stage_values(before.reindex(frame.index).dropna(subset=["segment"]), basis)
        now = _stage_values(frame, basis)
        image = Image(
            wording.DIGEST_CHART_TITLE.format(basis=basis_label),
            _value_chart(was, now, basis, cur, str(since)),
            "; ".join(
                f"{wording.STAGE_LABEL[s]} {money(b, cur)} → {money(a, cur)}"
                for s, b, a in zip(STAGES, was, now, strict=True)
            ),
        )
    quiet = frame[(frame["value_tier"] == "high") & (frame["lifecycle"] == "dormant")]
    quiet = quiet.sort_values(basis, ascending=False)
    if len(quiet):
        names = ", ".join(
            f"{_name(cid, n)} ({money(float(v), cur)})"
            for cid, n, v in zip(quiet.index[:5], quiet["name"][:5], quiet[basis][:5], strict=True)
        )
        lines.append(wording.DIGEST_DORMANT.format(n=len(quiet), names=names))
    buttons = _drill_buttons(query, moves)
    for section in ctx.digest_parts:
        part = section(ctx, frame, since)
        if part:
            lines += part.lines
            buttons += part.buttons
    return Reply(
        context=interpretation(query),
        title=wording.DIGEST_TITLE.format(as_of=snap.as_of),
        text="\n".join(lines),
        table=table,
        image=image,
        buttons=buttons,
        footer=with_freshness(
            wording.DIGEST_FOOTER.format(as_of=snap.as_of, since=since, basis=basis_label),
            ctx.settings,
            snap.as_of,
        ),
    )


# -- churn alerts -----------------------------------------------------------------------------------------


def in_episode(frame: pd.DataFrame) -> pd.Series:
    """Customers in a churn episode: high churn risk or dormant."""
    return (frame["churn_risk"] == "high") | (frame["lifecycle"] == "dormant")


@dataclass
class AlertPlan:
    """What a channel's next churn alert says and what it changes in the channel's episodes.

    ``alert`` holds the customers to alert (snapshot rows, biggest value first); ``started`` the
    episodes to record ({customer id: {started_on, alerted}}), ``ended`` the customers who
    recovered (their next slide is a new episode).
    """

    alert: pd.DataFrame
    started: dict[str, dict[str, Any]]
    ended: list[str]


def plan_alerts(
    snap: Snapshot, previous: Snapshot | None, episodes: dict[str, dict[str, Any]] | None
) -> AlertPlan:
    """Decide a channel's churn alert.

    Parameters
    ----------
    snap : Snapshot
        The latest snapshot.
    previous : Snapshot, optional
        The one before. Customers not in it are new to the data: their episodes are recorded but
        not alerted (a newly loaded customer file is not news).
    episodes : dict, optional
        The channel's running episodes; None when the channel has never been alerted, in which
        case episodes already running in ``previous`` count as old news.

    Customers already lost when their episode starts are recorded, not alerted: there is no
    win-back left to suggest.
    """
    basis = value_basis(snap)
    frame = snap.customers
    now_in = frame.index[in_episode(frame).to_numpy()]
    known = set(episodes or {})
    fresh = [cid for cid in now_in if cid not in known]
    old_news: set[str] = set()
    present: set[str] = set()
    if previous is not None:
        before = previous.customers
        present = set(before.index)
        if episodes is None:
            old_news = set(before.index[in_episode(before).to_numpy()])
    started = {
        cid: {
            "started_on": snap.as_of,
            "alerted": cid in present and cid not in old_news and frame.at[cid, "lifecycle"] != "lost",
        }
        for cid in fresh
    }
    ended = sorted(known - set(now_in))
    alert = frame.loc[[cid for cid, s in started.items() if s["alerted"]]]
    return AlertPlan(alert.sort_values(basis, ascending=False), started, ended)


def alert_suggestions(
    store: Store, settings: Settings, rows: pd.DataFrame, as_of: dt.date, actor: Actor | None = None
) -> dict[str, Suggestion]:
    """The stored suggestion of each alerted customer (snapshot rows) whose play fits them.

    With ``actor`` each is proposed, or the open one (one per customer and play) reused; without,
    they are only looked up, so a dry run changes nothing.
    """
    playbook = Playbook(settings.playbook)
    found: dict[str, Suggestion] = {}
    for cid, r in rows.iterrows():
        draft = playbook.suggest({"customer_id": cid, **r.to_dict()}, as_of)
        if draft is None:
            continue
        if actor is not None:
            found[str(cid)] = propose(store, draft, actor, "alert")[0]
        elif opened := open_for(store, str(cid), draft.playbook):
            found[str(cid)] = opened[0]
    return found


def _detailed(rows: pd.DataFrame, owners: pd.Series, limit: int) -> set[Any]:
    """The ``limit`` customers whose alert line carries their suggestion and buttons: each account
    manager's biggest first (so every manager's heading has one), then the biggest of the rest."""
    firsts = [group.index[0] for _, group in rows.groupby(owners, sort=False)]
    chosen = list(dict.fromkeys([*firsts[:limit], *rows.index]))[:limit]
    return set(chosen)


def alert_reply(
    rows: pd.DataFrame,
    snap: Snapshot,
    since: str,
    settings: Settings,
    context: str,
    suggestions: dict[str, Suggestion],
    title: str | None = None,
    buttons: list[Button] | None = None,
) -> Reply:
    """Customers who crossed into a churn episode, grouped by account manager (a heading per
    manager when there are several, the manager with the most at stake first), each with its
    suggested win-back; ``MAX_ALERTED`` of them, at least one per manager, also carry the buttons of
    their stored suggestion (``suggestions``, from ``alert_suggestions``), the others are named
    under their manager. ``buttons`` go before the customers' own."""
    basis = value_basis(snap)
    basis_label = wording.VALUE_BASIS[basis]
    currency = settings.currency
    n = len(rows)
    lines = [wording.ALERTS_NEW.format(n=n, s="s" if n != 1 else "", since=since)]
    decisions: list[Button] = []
    owners = rows["owner"].astype(object).where(rows["owner"].notna(), wording.NO_OWNER)
    detailed = _detailed(rows, owners, MAX_ALERTED)
    at_stake = rows.groupby(owners, sort=False)[basis].sum().sort_values(ascending=False, kind="stable")
    for owner in at_stake.index:
        group = rows[owners == owner]
        if len(at_stake) > 1:
            n_group = len(group)
            lines.append(
                wording.ALERTS_OWNER.format(
                    owner=owner,
                    n=n_group,
                    s="s" if n_group != 1 else "",
                    value=money(float(at_stake[owner]), currency),
                    basis=basis_label,
                )
            )
        for cid, r in group[group.index.isin(detailed)].iterrows():
            customer = {"customer_id": cid, **r.to_dict()}
            crossed = "dormant" if r["lifecycle"] == "dormant" else "high"
            stored = suggestions.get(str(cid))
            draft = stored or Playbook(settings.playbook).suggest(customer, snap.as_of)
            action = play_sentence(draft, currency) if draft else no_play_sentence(customer)
            lines.append(
                wording.ALERT_LINE.format(
                    name=_name(cid, r["name"]),
                    crossed=wording.ALERT_CROSSED[crossed],
                    value=money(float(r[basis]), currency),
                    basis=basis_label,
                    action=action,
                )
            )
            if stored is not None:
                decisions += list_buttons(settings, stored)
        rest = group[~group.index.isin(detailed)]
        if len(rest):
            names = ", ".join(_name(c, nm) for c, nm in zip(rest.index[:5], rest["name"][:5], strict=True))
            more = wording.ALERTS_MORE if len(rest) <= 5 else wording.ALERTS_MORE_THAN_NAMED
            lines.append(more.format(n=len(rest), names=names))
    return Reply(
        context=context,
        title=title,
        text="\n".join(lines),
        table=customer_table(_rows(rows.head(15)), currency),
        buttons=[*(buttons or []), *decisions],
        footer=with_freshness(
            wording.ALERTS_FOOTER.format(as_of=snap.as_of, basis=basis_label), settings, snap.as_of
        ),
    )


# Characters of customer ids a "Show mine" button carries in its payload (Slack keeps at most
# 2,000 in a button, the rest is for the other keys); an alert naming more leaves its smallest out.
MINE_ROOM = 1_800
MINE_ACTION = "alerts.mine"


def _within(ids: list[str], room: int) -> list[str]:
    """The first ``ids`` whose JSON (quoted, comma-separated) takes at most ``room`` characters."""
    kept: list[str] = []
    used = 0
    for cid in ids:
        used += len(json.dumps(cid)) + 1
        if used > room:
            break
        kept.append(cid)
    return kept


def channel_alert(
    plan: AlertPlan, snap: Snapshot, since: str, settings: Settings, suggestions: dict[str, Suggestion]
) -> Reply | None:
    """The scheduled alert: one message for the channel's whole run, grouped by account manager,
    with a *Show mine* button that gives whoever presses it their own customers of it in detail;
    None when nobody is to be alerted. ``suggestions`` as for ``alert_reply``."""
    rows = plan.alert
    if rows.empty:
        return None
    context = interpretation(Query.from_json({"intent": "churn_alerts"})) + wording.OVERVIEW_TOTAL.format(
        n=len(rows)
    )
    mine = Button(
        wording.ALERTS_MINE_BUTTON,
        MINE_ACTION,
        {"customers": _within([str(c) for c in rows.index], MINE_ROOM), "since": since},
    )
    title = wording.ALERTS_CHANNEL_TITLE.format(as_of=snap.as_of)
    return alert_reply(rows, snap, since, settings, context, suggestions, title, [mine])


def alerts_mine(ctx: Context, payload: dict[str, Any]) -> Reply:
    """*Show mine* on a channel's alert: the presser's own customers of it, in detail with their
    suggestions' buttons, for them alone."""
    ids = [str(c) for c in payload.get("customers") or []]
    since = str(payload.get("since") or wording.PREVIOUS_ALERT)
    owner = ctx.owner
    if owner is None:
        return Reply(text=wording.ALERTS_MINE_NO_BOOK, private=True)
    frame = ctx.book.frame
    mine = frame.reindex([c for c in ids if c in frame.index])
    mine = mine[mine["owner"].astype(str).str.strip().str.lower() == owner.strip().lower()]
    if mine.empty:
        return Reply(text=wording.ALERTS_MINE_NONE.format(n=len(ids), owner=owner), private=True)
    snap = ctx.book.snapshot
    settings = ctx.settings
    suggestions = alert_suggestions(ctx.store, settings, mine, snap.as_of)
    context = (
        f"{interpretation(Query.from_json({'intent': 'churn_alerts'}))} · {owner}"
        + wording.OVERVIEW_TOTAL.format(n=len(mine))
    )
    title = wording.ALERTS_TITLE.format(owner=owner, as_of=snap.as_of)
    reply = alert_reply(mine, snap, since, settings, context, suggestions, title)
    reply.private = True
    return reply


def churn_alerts(ctx: Context, query: Query) -> Reply:
    frame, fallback = scope_rows(ctx, query)
    if fallback:
        return fallback
    assert frame is not None
    snap = ctx.book.snapshot
    previous = previous_snapshot(ctx.store, snap)
    context = interpretation(query)
    if previous is None:
        return Reply(context=context, text=wording.NO_PREVIOUS)
    plan = plan_alerts(snap, previous, None)
    newly = plan.alert[plan.alert.index.isin(frame.index)]
    if newly.empty:
        return Reply(
            context=context,
            text=wording.ALERTS_NONE.format(since=previous.as_of),
            footer=with_freshness(wording.AS_OF.format(as_of=snap.as_of), ctx.settings, snap.as_of),
        )
    settings = ctx.settings
    made = alert_suggestions(ctx.store, settings, newly, snap.as_of, actor_of(ctx))
    return alert_reply(
        newly,
        snap,
        str(previous.as_of),
        settings,
        context + wording.OVERVIEW_TOTAL.format(n=len(newly)),
        made,
    )


INTENTS = {"key_account_digest": digest, "churn_alerts": churn_alerts}
ACTIONS = {MINE_ACTION: alerts_mine}


def _value_chart(was: list[float], now: list[float], basis: str, currency: str, since: str) -> bytes:
    """The key accounts' value per stage, then and now, drawn in the chart's language."""
    with i18n.speaking(chart_language()):
        label = wording.VALUE_BASIS[basis]
        return key_account_value_chart(
            [wording.STAGE_LABEL[s] for s in STAGES],
            was,
            now,
            f"{label} ({currency})",
            since,
            wording.DIGEST_CHART_TITLE.format(basis=label),
        )
