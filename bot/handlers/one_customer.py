"""One customer: profile card, why they have their labels, and a suggested win-back action."""

from __future__ import annotations

from bot import i18n, wording
from bot.context import Context
from bot.freshness import with_freshness
from bot.handlers.actions import suggestion_reply
from bot.interpret import days, days_ago, interpretation, level_label, money
from bot.reply import Button, Reply, Table
from custseg.query import (
    Ambiguous,
    CustomerCard,
    ExplanationAnswer,
    Factor,
    OutsideScope,
    ProfileAnswer,
    Query,
    Unresolved,
)


def _pick(ctx: Context, query: Query, answer: Unresolved) -> Reply:
    """Ambiguous or unknown name: list the candidates as buttons instead of guessing."""
    typed = answer.typed
    if isinstance(answer, OutsideScope):
        # Whose customer it is, and nothing else: their figures stay with their account manager.
        owner = answer.owner
        text = (
            wording.OUTSIDE_SCOPE.format(typed=typed, owner=owner)
            if owner
            else wording.OUTSIDE_SCOPE_NO_OWNER.format(typed=typed)
        )
        return Reply(context=interpretation(query), text=text)
    candidates = answer.candidates
    if isinstance(answer, Ambiguous):
        text = wording.AMBIGUOUS.format(typed=typed)
    else:
        text = wording.NOT_FOUND.format(typed=typed) + (" " + wording.DID_YOU_MEAN if candidates else "")
    rows = [
        [c.name or c.customer_id, c.owner or "—", money(c.revenue or 0, ctx.currency)] for c in candidates
    ]
    buttons = [
        Button(
            c.name or c.customer_id,
            "run_query",
            {"query": query.replace(customer=c.name or c.customer_id).to_json()},
        )
        for c in candidates[:5]
    ]
    table = Table(list(wording.PICK_HEADERS), rows, ["left", "left", "right"]) if rows else None
    return Reply(context=interpretation(query), text=text, table=table, buttons=buttons)


def named_customer(ctx: Context, query: Query) -> ProfileAnswer | Reply:
    """The customer the query names, or the reply that asks which one (or says whose they are)."""
    answer = ctx.book.profile(query.customer or "")
    return answer if isinstance(answer, ProfileAnswer) else _pick(ctx, query, answer)


def _note(answer: ProfileAnswer | ExplanationAnswer) -> str | None:
    if answer.corrected_from:
        return wording.CORRECTED.format(name=answer.customer["name"], typed=answer.corrected_from)
    return None


def _action_buttons(c: CustomerCard) -> list[Button]:
    name = c["name"] or c["customer_id"]
    return [
        Button(wording.WHY_BUTTON, "run_query", {"query": {"intent": "explain", "customer": name}}),
        Button(
            wording.SUGGEST_BUTTON, "run_query", {"query": {"intent": "propose_action", "customer": name}}
        ),
    ]


def profile(ctx: Context, query: Query) -> Reply:
    answer = named_customer(ctx, query)
    if isinstance(answer, Reply):
        return answer
    c = answer.customer
    cur = ctx.currency
    field = wording.PROFILE_FIELD
    fields = [
        (field["owner"], c["owner"] or "—"),
        (field["region"], c["region"] or "—"),
        (
            field["segment"],
            f"{wording.SEGMENT_LABEL[c['segment']]} (R{c['r_score']} F{c['f_score']} M{c['m_score']})",
        ),
        (field["stage"], wording.STAGE_LABEL[c["lifecycle"]]),
        (field["churn_risk"], level_label(c["churn_risk"])),
        (field["value_tier"], level_label(c["value_tier"])),
        (
            field["revenue"],
            wording.PROFILE_REVENUE.format(
                revenue=money(c["revenue"], cur), orders=c["frequency"], aov=money(c["avg_order_value"], cur)
            ),
        ),
        (
            field["last_order"],
            wording.PROFILE_LAST_ORDER.format(
                day=c["last_order"], ago=days_ago(c["recency_days"]), gap=f"{c['typical_gap_days']:g}"
            ),
        ),
        (field["since"], str(c["first_order"])),
        (field["key_account"], wording.EXPORT_YES_NO[bool(c["key_account"])]),
    ]
    orders = answer.recent_orders
    table = None
    if orders:
        table = Table(
            list(wording.ORDERS_HEADERS),
            [[o.order_id, str(o.ordered_at)[:10], money(o.amount, cur)] for o in orders],
            ["left", "left", "right"],
        )
    return Reply(
        context=interpretation(query),
        title=c["name"] or c["customer_id"],
        text=_note(answer) or "",
        fields=fields,
        table=table,
        buttons=_action_buttons(c),
        footer=with_freshness(wording.AS_OF.format(as_of=answer.as_of), ctx.settings, answer.as_of),
    )


def churn_driver(d: Factor, currency: str) -> str:
    """One factor behind a churn probability, in the customer's own figures."""
    words = wording.CHURN_DRIVER
    factor = d["factor"]
    if factor == "timing":
        if round(d["recency_days"]) <= 0:
            return wording.CHURN_TIMING_TODAY.format(gap=days(d["typical_gap_days"]))
        return words["timing"].format(recency=days(d["recency_days"]), gap=days(d["typical_gap_days"]))
    if factor == "frequency":
        return words["frequency"].format(n=d["frequency"], s="" if d["frequency"] == 1 else "s")
    if factor == "tenure":
        return words["tenure"].format(tenure=days(d["tenure_days"]))
    if factor == "order_value":
        return words["order_value"].format(
            aov=money(d["avg_order_value"], currency), typical=money(d["typical_order_value"], currency)
        )
    if factor == "spend":
        trend = d.get("trend_90d")
        if trend is not None:
            return words["spend_trend"].format(
                direction="down" if trend < 0 else "up", pct=f"{abs(100 * trend):.0f}"
            )
        return words["spend_pace"].format(pct=f"{100 * d['spend_pace']:.0f}")
    return words["returns"].format(pct=f"{100 * d['returns_share']:.0f}")


def churn_driver_sentences(drivers: list[Factor], currency: str) -> list[str]:
    """What pushes the churn risk up, then what holds it down."""
    out = []
    for direction, template in (("up", wording.CHURN_UP), ("down", wording.CHURN_DOWN)):
        items = [churn_driver(d, currency) for d in drivers if d["direction"] == direction]
        if items:
            out.append(template.format(items="; ".join(items)))
    return out


def explain_sentences(answer: ExplanationAnswer, currency: str) -> list[str]:
    """The factors behind each label, in words."""
    out = []
    for f in answer.factors:
        if f["topic"] == "segment":
            out.append(
                wording.EXPLAIN_SEGMENT.format(
                    segment=wording.SEGMENT_LABEL[f["label"]],
                    rule=f["rule"],
                    ago=days_ago(f["recency_days"]),
                    r=f["r_score"],
                    recent=i18n.percent_of(f["share_more_recent"], 0),
                    orders=f["frequency"],
                    f=f["f_score"],
                    frequent=i18n.percent_of(f["share_more_frequent"], 0),
                )
            )
        elif f["topic"] == "lifecycle":
            th = f.get("thresholds") or {}
            trend = f.get("trend_90d")
            reason = wording.LIFECYCLE_REASON[f["reason"]].format(
                tenure=days(f["tenure_days"]),
                window=th.get("new_window_days", "?"),
                recency=days(f["recency_days"]),
                recency_ago=days_ago(f["recency_days"]),
                gap=f"{f['typical_gap_days']:g}",
                ratio=f"{f['overdue_ratio']:.1f}",
                declining=th.get("declining_after", "?"),
                dormant=th.get("dormant_after", "?"),
                lost=th.get("lost_after", "?"),
                drop=f"{-100 * trend:.0f}" if trend is not None else "?",
                p_alive=f"{100 * f['p_alive']:.0f}" if f.get("p_alive") is not None else "?",
                dormant_p=f"{100 * f['dormant_p_alive']:.0f}"
                if f.get("dormant_p_alive") is not None
                else "?",
            )
            out.append(
                wording.EXPLAIN_STAGE.format(
                    stage=wording.STAGE_LABEL[f["label"]],
                    reason=reason,
                    basis=wording.GAP_BASIS[f["gap_basis"]],
                )
            )
        elif f["topic"] == "churn_risk":
            line = wording.EXPLAIN_RISK.format(risk=level_label(f["label"]))
            if f.get("probability") is not None and f.get("horizon_days"):
                pct = f"{100 * f['probability']:.0f}"
                line += f" ({wording.CHURN_PROBABILITY.format(pct=pct, horizon=days(f['horizon_days']))})"
            out.append(f"{line}: {f['basis']}.")
            out.extend(churn_driver_sentences(f.get("drivers") or [], currency))
            lifecycle = answer.factor("lifecycle")
            stage = lifecycle["label"] if lifecycle else None
            if stage in ("dormant", "lost") and f["label"] != "high" and f.get("horizon_days"):
                out.append(
                    wording.STAGE_VS_RISK.format(
                        stage=wording.STAGE_LABEL[stage].lower(),
                        risk=level_label(f["label"]),
                        horizon=days(f["horizon_days"]),
                    )
                )
        elif f["topic"] == "value_tier":
            high = f.get("high_min")
            basis = f.get("basis") or "revenue"
            line = wording.EXPLAIN_TIER.format(
                tier=level_label(f["label"]), revenue=money(f["revenue"], currency)
            )
            if f.get("clv") is not None and basis != "revenue":
                line += wording.EXPLAIN_TIER_CLV.format(clv=money(f["clv"], currency))
            if high is not None:
                line += wording.EXPLAIN_TIER_HIGH.format(
                    high=money(high, currency),
                    basis=wording.VALUE_BASIS[basis],
                    who=wording.VALUE_TIER_HIGH[basis],
                )
            out.append(line + ".")
        elif f["topic"] == "key_account" and f["label"]:
            out.append(wording.EXPLAIN_KEY_ACCOUNT)
    return out


def explain(ctx: Context, query: Query) -> Reply:
    answer = ctx.book.explanation(query.customer or "")
    if not isinstance(answer, ExplanationAnswer):
        return _pick(ctx, query, answer)
    c = answer.customer
    lines = explain_sentences(answer, ctx.currency)
    note = _note(answer)
    return Reply(
        context=interpretation(query),
        title=c["name"] or c["customer_id"],
        text="\n".join(([note] if note else []) + lines),
        buttons=_action_buttons(c)[1:],
        footer=with_freshness(wording.AS_OF.format(as_of=answer.as_of), ctx.settings, answer.as_of),
    )


def propose_action(ctx: Context, query: Query) -> Reply:
    if not query.customer:
        return Reply(context=interpretation(query), text=wording.WHICH_CUSTOMER)
    answer = named_customer(ctx, query)
    if isinstance(answer, Reply):
        return answer
    note = _note(answer)
    reply = suggestion_reply(ctx, answer.customer, interpretation(query))
    if note:
        reply.text = f"{note}\n{reply.text}"
    return reply


INTENTS = {"customer_profile": profile, "explain": explain, "propose_action": propose_action}
