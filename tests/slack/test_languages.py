"""A Chinese question end to end in Slack: a signed event into the real web process, the asker's
locale from the fake Slack's users.info, the answer's Block Kit recorded at chat.postMessage."""

from __future__ import annotations

import json
import re

from bot import i18n, wording
from tests.helpers.slack import SlackSide


def test_a_chinese_question_from_a_zh_cn_user_is_answered_in_chinese_block_kit(slack: SlackSide):
    slack.fake.add_user("U_JOHN_ZH", "john@example.com", "John Smith", locale="zh-CN")
    slack.dm("我有多少个客户?", user="U_JOHN_ZH", channel="D_JOHN_ZH")
    (post,) = slack.fake.wait_for("chat.postMessage")
    blocks = json.dumps(post.blocks, ensure_ascii=False)
    (info,) = slack.fake.calls_to("users.info")
    assert info.args.get("include_locale") in (True, "true", "1")
    with i18n.speaking("zh"):
        mine, button = wording.FILTER_MINE, wording.LIST_THEM
    assert mine in blocks and "个客户" in blocks and button in blocks
    assert not re.search(r"\bcustomers\b|revenue to date", blocks)
    # Money in the Chinese way: ten-thousands (万), not k or M.
    assert re.search(r"\$[\d.]+万", blocks), blocks
    # The button's payload is the contract's query, in English, whatever the language.
    assert '"intent": "find_customers"' in blocks or "find_customers" in blocks


def test_an_english_question_from_a_user_without_a_locale_stays_english(slack: SlackSide):
    slack.dm("how many champions in EMEA?", user="U_MARIA", channel="D_MARIA")
    (post,) = slack.fake.wait_for("chat.postMessage")
    blocks = json.dumps(post.blocks, ensure_ascii=False)
    assert "Champions · in EMEA" in blocks and "customers" in blocks and "冠军" not in blocks
