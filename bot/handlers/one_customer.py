"""One customer: profile card, why they have their labels, and a suggested win-back action."""

from __future__ import annotations

from typing import Any

from bot import wording
from bot.context import Context
from bot.handlers import intent
from bot.interpret import days, interpretation, money
from bot.reply import Button, Reply, Table
from bot.wording import GAP_BASIS, LIFECYCLE_REASON, PLAYBOOK, SEGMENT_LABEL, STAGE_LABEL


def _pick(ctx: Context, query: dict[str, Any], answer: dict[str, Any]) -> Reply:
    """Ambiguous or unknown name: list the candidates as buttons instead of guessing."""
    typed = answer.get("typed", "")
    candidates = answer.get("candidates", [])
    if answer["kind"] == "ambiguous":
        text = wording.AMBIGUOUS.format(typed=typed)
    else:
        text = wording.NOT_FOUND.format(typed=typed) + (" " + wording.DID_YOU_MEAN if candidates else "")
    rows = [
        [c["name"] or c["customer_id"], c["owner"] or "—", money(c["revenue"] or 0, ctx.currency)]
        for c in candidates
    ]
    buttons = [
        Button(
            c["name"] or c["customer_id"],
            "run_query",
            {"query": {**query, "customer": c["name"] or c["customer_id"]}},
        )
        for c in candidates[:5]
    ]
    table = Table(["Customer", "Owner", "Revenue"], rows, ["left", "left", "right"]) if rows else None
    return Reply(context=interpretation(query), text=text, table=table, buttons=buttons)


def _resolved(ctx: Context, query: dict[str, Any]) -> tuple[dict[str, Any] | None, Reply | None]:
    answer = ctx.engine.run(
        {**query, "intent": "explain" if query["intent"] == "explain" else "customer_profile"}
    )
    if answer["kind"] in ("ambiguous", "not_found"):
        return None, _pick(ctx, query, answer)
    return answer, None


def _note(answer: dict[str, Any]) -> str | None:
    if answer.get("corrected_from"):
        return wording.CORRECTED.format(name=answer["customer"]["name"], typed=answer["corrected_from"])
    return None


def _action_buttons(c: dict[str, Any]) -> list[Button]:
    name = c["name"] or c["customer_id"]
    return [
        Button("Why?", "run_query", {"query": {"intent": "explain", "customer": name}}),
        Button("Suggest a win-back", "run_query", {"query": {"intent": "propose_action", "customer": name}}),
    ]


@intent("customer_profile")
def profile(ctx: Context, query: dict[str, Any]) -> Reply:
    answer, fallback = _resolved(ctx, query)
    if fallback:
        return fallback
    assert answer is not None
    c = answer["customer"]
    cur = ctx.currency
    fields = [
        ("Owner", c["owner"] or "—"),
        ("Region", c["region"] or "—"),
        ("Segment", f"{SEGMENT_LABEL[c['segment']]} (R{c['r_score']} F{c['f_score']} M{c['m_score']})"),
        ("Stage", STAGE_LABEL[c["lifecycle"]]),
        ("Churn risk", c["churn_risk"]),
        ("Value tier", c["value_tier"]),
        (
            "Revenue",
            f"{money(c['revenue'], cur)} over {c['frequency']:,} orders (avg {money(c['avg_order_value'], cur)})",
        ),
        (
            "Last order",
            f"{c['last_order']} ({days(c['recency_days'])} ago; usually every {c['typical_gap_days']:g} days)",
        ),
        ("Customer since", str(c["first_order"])),
        ("Key account", "yes" if c["key_account"] else "no"),
    ]
    orders = answer.get("recent_orders") or []
    table = None
    if orders:
        table = Table(
            ["Order", "Date", "Amount"],
            [[o["order_id"], str(o["ordered_at"])[:10], money(o["amount"], cur)] for o in orders],
            ["left", "left", "right"],
        )
    return Reply(
        context=interpretation(query),
        title=c["name"] or c["customer_id"],
        text=_note(answer) or "",
        fields=fields,
        table=table,
        buttons=_action_buttons(c),
        footer=f"As of {answer['as_of']}",
    )


def explain_sentences(answer: dict[str, Any], currency: str) -> list[str]:
    """The factors behind each label, in words."""
    out = []
    for f in answer["factors"]:
        if f["topic"] == "segment":
            out.append(
                f"*Segment {SEGMENT_LABEL[f['label']]}* ({f['rule']}): last order {days(f['recency_days'])} ago "
                f"(R {f['r_score']}: {100 * f['share_more_recent']:.0f} % of customers ordered more recently) and "
                f"{f['frequency']:,} orders (F {f['f_score']}: {100 * f['share_more_frequent']:.0f} % order more often)."
            )
        elif f["topic"] == "lifecycle":
            th = f.get("thresholds") or {}
            trend = f.get("trend_90d")
            reason = LIFECYCLE_REASON[f["reason"]].format(
                tenure=days(f["tenure_days"]),
                window=th.get("new_window_days", "?"),
                recency=days(f["recency_days"]),
                gap=f"{f['typical_gap_days']:g}",
                ratio=f"{f['overdue_ratio']:.1f}",
                declining=th.get("declining_after", "?"),
                dormant=th.get("dormant_after", "?"),
                lost=th.get("lost_after", "?"),
                drop=f"{-100 * trend:.0f}" if trend is not None else "?",
            )
            out.append(
                f"*Stage {STAGE_LABEL[f['label']]}*: {reason}, judged against {GAP_BASIS[f['gap_basis']]}."
            )
        elif f["topic"] == "churn_risk":
            out.append(f"*Churn risk {f['label']}*: {f['basis']}.")
        elif f["topic"] == "value_tier":
            high = f.get("high_min")
            line = f"*Value tier {f['label']}*: {money(f['revenue'], currency)} revenue to date"
            if high is not None:
                line += f"; high value starts at {money(high, currency)} (the customers making the first half of revenue)"
            out.append(line + ".")
        elif f["topic"] == "key_account" and f["label"]:
            out.append("*Key account*: among the top accounts of their account manager by revenue.")
    return out


@intent("explain")
def explain(ctx: Context, query: dict[str, Any]) -> Reply:
    answer, fallback = _resolved(ctx, query)
    if fallback:
        return fallback
    assert answer is not None
    c = answer["customer"]
    lines = explain_sentences(answer, ctx.currency)
    note = _note(answer)
    return Reply(
        context=interpretation(query),
        title=c["name"] or c["customer_id"],
        text="\n".join(([note] if note else []) + lines),
        buttons=_action_buttons(c)[1:],
        footer=f"As of {answer['as_of']}",
    )


def suggestion(c: dict[str, Any], currency: str) -> str:
    stage, tier = c["lifecycle"], c["value_tier"]
    if c["lifecycle_reason"] == "revenue_down":
        stage = "revenue_down"
    plays = PLAYBOOK.get(stage, PLAYBOOK["active"])
    template = plays.get(tier, plays["any"])
    trend = c.get("trend_90d")
    return template.format(
        drop=f"{-100 * trend:.0f}" if trend is not None else "?",
        name=c["name"] or c["customer_id"],
        owner=c["owner"] or "the account manager",
        gap=f"{c['typical_gap_days']:g}",
        recency=days(c["recency_days"]),
        ratio=f"{c['overdue_ratio']:.1f}",
        revenue=money(c["revenue"], currency),
    )


@intent("propose_action")
def propose_action(ctx: Context, query: dict[str, Any]) -> Reply:
    if not query.get("customer"):
        return Reply(
            context=interpretation(query), text="Which customer? e.g. *suggest a win-back for Globex*."
        )
    answer, fallback = _resolved(ctx, query)
    if fallback:
        return fallback
    assert answer is not None
    c = answer["customer"]
    return Reply(
        context=interpretation(query),
        title=c["name"] or c["customer_id"],
        text=suggestion(c, ctx.currency),
        fields=[
            ("Stage", STAGE_LABEL[c["lifecycle"]]),
            ("Value tier", c["value_tier"]),
            ("Revenue to date", money(c["revenue"], ctx.currency)),
            ("Last order", f"{days(c['recency_days'])} ago"),
        ],
        footer=wording.PREVIEW.format(what="approving and tracking suggested actions"),
    )
