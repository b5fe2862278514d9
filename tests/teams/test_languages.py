"""A Chinese question end to end in Teams: an activity with locale zh-CN into the real
/api/messages endpoint; the Adaptive Card the fake connector receives is Chinese."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from bot import i18n, wording
from tests.helpers.demo_book import DemoBooks
from tests.teams.cards import card_text
from tests.teams.world import World, running_world


@pytest.fixture(scope="module")
def world(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with running_world(demo_books, tmp_path_factory.mktemp("teams_languages"), {}) as world:
        yield world


def test_a_zh_cn_activity_gets_a_chinese_card(teams: World):
    card = teams.ask("how many champions in EMEA?", locale="zh-CN")
    text = card_text(card)
    with i18n.speaking("zh"):
        champions, button = wording.SEGMENT_LABEL["champions"], wording.LIST_THEM
    assert text.startswith(champions) and "个客户" in text, text
    raw = json.dumps(card, ensure_ascii=False)
    assert button in raw and not re.search(r"\bcustomers\b", text)


def test_an_activity_without_a_locale_stays_english(teams: World):
    assert card_text(teams.ask("how many champions in EMEA?")).startswith("Champions · in EMEA")
