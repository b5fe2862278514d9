"""Key-account digest, churn alerts and pending actions, on demand (scheduled delivery comes later)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bot import wording
from bot.context import Context
from bot.handlers import intent
from bot.handlers.customers import customer_table, special
from bot.interpret import interpretation, money
from bot.reply import Reply, Table
from bot.wording import SEGMENT_LABEL, STAGE_LABEL
from custseg.errors import StoreError
from custseg.snapshot import Snapshot, load_snapshot, migrations


def _previous(ctx: Context) -> Snapshot | None:
    try:
        return load_snapshot(ctx.brain.store, before=ctx.engine.snapshot.as_of)
    except StoreError:
        return None


def _scope(ctx: Context, query: dict[str, Any]) -> tuple[pd.DataFrame | None, Reply | None]:
    """The snapshot rows within the query's owner/region filters."""
    filters = {k: v for k, v in (query.get("filters") or {}).items() if k in ("owner", "region")}
    selected = ctx.engine.select(filters, user_owner=ctx.owner)
    fallback = special(ctx, query, selected)
    if fallback:
        return None, fallback
    return ctx.engine.frame[selected["mask"]], None


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "customer_id": cid,
            **{
                k: r[k]
                for k in (
                    "name",
                    "owner",
                    "segment",
                    "lifecycle",
                    "churn_risk",
                    "key_account",
                    "revenue",
                    "recency_days",
                )
            },
        }
        for cid, r in frame.iterrows()
    ]


@intent("key_account_digest")
def digest(ctx: Context, query: dict[str, Any]) -> Reply:
    frame, fallback = _scope(ctx, query)
    if fallback:
        return fallback
    assert frame is not None
    snap = ctx.engine.snapshot
    keys = frame[frame["key_account"]]
    lines = [
        f"*{len(keys):,} key accounts*, {money(float(keys['revenue'].sum()), ctx.currency)} revenue to date."
    ]
    table = None
    previous = _previous(ctx)
    if previous is None:
        lines.append(wording.NO_PREVIOUS)
    else:
        moves = []
        for attribute, labels in (
            ("segment", SEGMENT_LABEL),
            ("lifecycle", STAGE_LABEL),
            ("churn_risk", None),
        ):
            moved = migrations(previous, snap, attribute)
            moved = moved[moved["customer_id"].isin(keys.index)]
            for r in moved.itertuples():
                name_from = labels.get(r[4], r[4]) if labels else r[4]
                name_to = labels.get(r[5], r[5]) if labels else r[5]
                moves.append(
                    [
                        r.name or r.customer_id,
                        attribute.replace("_", " "),
                        f"{name_from} → {name_to}",
                        money(r.revenue, ctx.currency),
                    ]
                )
        lines.append(
            f"Since {previous.as_of}: {len(moves)} change{'s' if len(moves) != 1 else ''} among key accounts."
        )
        if moves:
            table = Table(
                ["Key account", "What", "Change", "Revenue"], moves[:20], ["left", "left", "left", "right"]
            )
    quiet = frame[(frame["value_tier"] == "high") & frame["lifecycle"].isin(["dormant"])].sort_values(
        "revenue", ascending=False
    )
    if len(quiet):
        top = ", ".join(
            f"{n or cid} ({money(v, ctx.currency)})"
            for cid, n, v in zip(quiet.index[:5], quiet["name"][:5], quiet["revenue"][:5], strict=True)
        )
        lines.append(f"Dormant high-value customers: {len(quiet):,} — {top}.")
    return Reply(
        context=interpretation(query),
        title=f"Key-account digest, {snap.as_of}",
        text="\n".join(lines),
        table=table,
        footer=wording.PREVIEW.format(what="the weekly scheduled digest"),
    )


@intent("churn_alerts")
def churn_alerts(ctx: Context, query: dict[str, Any]) -> Reply:
    frame, fallback = _scope(ctx, query)
    if fallback:
        return fallback
    assert frame is not None
    previous = _previous(ctx)
    context = interpretation(query)
    if previous is None:
        return Reply(
            context=context,
            text=wording.NO_PREVIOUS,
            footer=wording.PREVIEW.format(what="daily churn alerts"),
        )
    before = previous.customers.reindex(frame.index)
    newly = frame[
        ((frame["churn_risk"] == "high") & (before["churn_risk"] != "high"))
        | ((frame["lifecycle"] == "dormant") & (before["lifecycle"] != "dormant"))
    ]
    newly = newly[before.loc[newly.index, "churn_risk"].notna()]  # customers new since then are not alerts
    newly = newly[newly["lifecycle"] != "lost"].sort_values("revenue", ascending=False)
    if newly.empty:
        return Reply(
            context=context, text=f"No customer crossed into high churn risk since {previous.as_of}."
        )
    text = f"*{len(newly):,} customers* crossed into high churn risk or went dormant since {previous.as_of}, biggest first."
    return Reply(
        context=f"{context} — {len(newly):,} customers",
        text=text,
        table=customer_table(_rows(newly.head(15)), ctx.currency),
        footer=wording.PREVIEW.format(what="daily churn alerts with win-back buttons"),
    )


@intent("pending_actions")
def pending_actions(ctx: Context, query: dict[str, Any]) -> Reply:
    return Reply(context=interpretation(query), text=wording.PENDING_NONE)
