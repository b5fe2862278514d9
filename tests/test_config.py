from pathlib import Path

import pytest

from config import load_mapping, load_settings
from config.mappings import list_mappings
from custseg.errors import ConfigError


def test_defaults_are_valid_and_secrets_come_from_the_environment():
    settings = load_settings(env={"CUSTSEG_DATABASE_URL": "postgresql+psycopg://u@h/db"})
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert (
        settings.lifecycle.declining_after < settings.lifecycle.dormant_after < settings.lifecycle.lost_after
    )


def test_override_file_changes_only_its_keys(tmp_path: Path):
    override = tmp_path / "mine.toml"
    override.write_text("[lifecycle]\nnew_window_days = 30\n[key_accounts]\nper_owner = 3\n")
    settings = load_settings(override, env={})
    assert settings.lifecycle.new_window_days == 30
    assert settings.lifecycle.dormant_after == 4.0
    assert settings.key_accounts.per_owner == 3


def test_every_problem_is_reported_at_once(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "[lifecycle]\ndeclining_after = 9\nnew_window_days = -1\n[value_tiers]\nhigh_share = 2\n[nonsense]\nx = 1\n"
    )
    with pytest.raises(ConfigError) as err:
        load_settings(bad, env={})
    text = str(err.value)
    assert str(bad) in text
    assert "new_window_days" in text and "high_share" in text and "nonsense" in text


def test_sql_source_names_the_missing_environment_variable(tmp_path: Path):
    cfg = tmp_path / "src.toml"
    cfg.write_text(
        '[source]\nkind = "sql"\ntable = "sales"\nurl_env = "ACME_DB_URL"\n'
        '[source.columns]\ncustomer_id = "c"\nordered_at = "t"\namount = "a"\n'
    )
    settings = load_settings(cfg, env={})
    with pytest.raises(ConfigError, match="ACME_DB_URL"):
        settings.source_url()


def test_shipped_mappings_all_load():
    names = list_mappings()
    assert {"online_retail", "cdnow", "cdnow_sample", "custseg_orders"} <= set(names)
    for name in names:
        assert load_mapping(name).columns.customer_id


def test_mapping_needs_amount_or_quantity_and_price(tmp_path: Path):
    bad = tmp_path / "m.toml"
    bad.write_text('[columns]\ncustomer_id = "c"\nordered_at = "t"\nquantity = "q"\n')
    with pytest.raises(ConfigError, match="amount"):
        load_mapping(bad)
    with pytest.raises(ConfigError, match="no column mapping called 'nope'"):
        load_mapping("nope")


def test_an_unknown_time_zone_is_refused_at_start_up_with_the_file_and_a_fix(tmp_path: Path):
    bad = tmp_path / "zone.toml"
    bad.write_text('timezone = "Mars/Olympus"\n')
    with pytest.raises(ConfigError) as err:
        load_settings(bad, env={})
    message = str(err.value)
    assert "zone.toml" in message
    assert "unknown time zone 'Mars/Olympus'" in message
    assert "Europe/Berlin" in message
