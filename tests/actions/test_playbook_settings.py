"""The playbook lives in the settings: shipped plays, overrides, and mistakes named at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import load_settings
from custseg.actions import Playbook
from custseg.errors import ConfigError


def test_shipped_plays_cover_the_situations_of_the_issue():
    plays = load_settings(env={}).playbook.plays
    assert plays["dormant_high_value"].when.lifecycle == ["dormant"]
    assert plays["dormant_high_value"].when.value_tier == ["high"]
    assert "reactivation offer" in plays["dormant_high_value"].task
    assert plays["at_risk"].when.segment == ["at_risk"] and "Check-in" in plays["at_risk"].task
    assert plays["cant_lose"].when.segment == ["cant_lose"] and "Executive sponsor" in plays["cant_lose"].task
    assert plays["new"].when.lifecycle == ["new"] and "Onboarding" in plays["new"].task


def test_first_fitting_play_wins_and_plays_can_be_switched_off(tmp_path: Path):
    customer = {"segment": "cant_lose", "lifecycle": "dormant", "value_tier": "high", "key_account": True}
    shipped = Playbook(load_settings(env={}).playbook)
    assert shipped.play_for(customer) == "cant_lose"
    assert shipped.play_for({**customer, "segment": "loyal"}) == "dormant_high_value"
    assert shipped.play_for({**customer, "segment": "champions", "lifecycle": "active"}) is None
    mine = tmp_path / "mine.toml"
    mine.write_text("[playbook.plays.cant_lose]\nenabled = false\n[playbook]\nwindow_days = 60\n")
    settings = load_settings(mine, env={})
    assert settings.playbook.window_days == 60
    assert Playbook(settings.playbook).play_for(customer) == "dormant_high_value"


def test_a_play_with_unknown_labels_or_no_condition_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[playbook.plays.typo]\nwhen = { lifecycle = ["dormnat"] }\ntask = "Call"\n'
        '[playbook.plays.empty]\nwhen = {}\ntask = "Call"\n'
    )
    with pytest.raises(ConfigError) as err:
        load_settings(bad, env={})
    text = str(err.value)
    assert "lifecycle 'dormnat' is not one of" in text and "give at least one condition" in text
