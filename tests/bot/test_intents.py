"""One declaration per intent, handlers registered on an instance, one channel-data policy."""

from __future__ import annotations

import pytest

from bot import channels, wording
from bot.app import standard_handlers
from bot.context import Channel
from bot.intents import INTENTS, declaration
from bot.interpret import interpretation
from bot.reply import Reply
from custseg.query import Query
from custseg.schema import INTENTS as CONTRACT_INTENTS


def test_every_intent_of_the_contract_is_declared_and_answered():
    handlers = standard_handlers()
    assert set(INTENTS) == set(CONTRACT_INTENTS)
    assert set(handlers.intents) == set(CONTRACT_INTENTS)


def test_the_interpretation_line_uses_the_declared_words():
    profile = Query.from_json({"intent": "customer_profile", "customer": "Acme"})
    assert interpretation(profile) == "Customer profile · Acme"
    assert interpretation(Query.from_json({"intent": "help"})) == "Help"
    alerts = Query.from_json({"intent": "subscribe", "topic": "alerts"})
    assert interpretation(alerts) == "Schedule a post · churn alerts"
    dormant = Query.from_json({"intent": "churn_alerts", "filters": {"region": "EMEA"}})
    assert interpretation(dormant) == "Churn alerts · in EMEA"
    assert interpretation(Query.from_json({"intent": "find_customers"})) == "All customers"


def test_strangers_may_only_ask_for_help_and_undeclared_intents_fail_closed():
    assert {i.name for i in INTENTS.values() if i.open_to_strangers} == {"help", "unknown"}
    made_up = declaration("export")
    assert made_up.customer_data and not made_up.open_to_strangers


def test_two_registries_do_not_share_a_button():
    one, other = standard_handlers(), standard_handlers()
    one.add_action("test_only_here", lambda ctx, payload: Reply(text="here"))
    assert "test_only_here" in one.actions and "test_only_here" not in other.actions
    with pytest.raises(ValueError, match="two handlers"):
        one.add_action("test_only_here", lambda ctx, payload: Reply(text="again"))


def test_the_policy_keeps_customer_data_out_of_outside_channels():
    outside = Channel("C1", "slack", "external")
    refused = channels.post_refusal(outside, allowed=())
    assert refused is not None and not refused.retryable
    assert 'allow_external = ["slack:C1"]' in refused.text
    assert channels.post_refusal(outside, allowed={"slack:C1"}) is None
    unread = channels.post_refusal(Channel("19:x", "teams", "unchecked"), allowed=(), error="403")
    assert unread is not None and unread.retryable and "could not read who is in the Teams" in unread.text
    assert channels.foreign_refusal(declaration("find_customers")) == wording.OTHER_TENANT
    assert channels.foreign_refusal(declaration("help")) is None
    assert channels.outsider_refusal(declaration("subscribe"), wording.OUTSIDER) == wording.OUTSIDER
    assert channels.outsider_refusal(declaration("help"), wording.OUTSIDER) is None
