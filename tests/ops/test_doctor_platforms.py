"""`custseg doctor` on the chat side: the Slack token and its scopes, Teams credentials, the bot's
place in each subscribed channel, and whether the worker is alive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from adapters.ops.doctor import (
    check_channels,
    check_slack,
    check_teams,
    check_worker,
    deployment,
    manifest_scopes,
)
from adapters.teams.references import save_reference
from adapters.worker.tick import Worker
from config import load_settings
from config.sections import TeamsAppSettings
from custseg.store import Store
from custseg.store.schedule_state import beat
from custseg.store.subscriptions import subscribe
from tests.fakes.slack_api import FakeSlackAPI


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlackAPI]:
    server = FakeSlackAPI().start()
    yield server
    server.stop()


def slack_env(fake: FakeSlackAPI, token: str = "xoxb-test") -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": token, "SLACK_SIGNING_SECRET": "s" * 32, "SLACK_API_URL": fake.api_url}


def doctor(store: Store, env: dict[str, str]):
    return deployment(load_settings(env={}).model_copy(update={"database_url": store.url}), env)


def test_manifest_scopes_are_read_from_the_manifest():
    scopes = manifest_scopes()
    assert {"chat:write", "commands", "channels:read", "users:read.email"} <= set(scopes)


def test_slack_token_with_every_scope_then_missing_scopes_then_revoked(
    sqlite_store: Store, fake: FakeSlackAPI
):
    fake.scopes = manifest_scopes()
    (ok,) = check_slack(doctor(sqlite_store, slack_env(fake)))
    assert ok.level == "ok" and "every scope" in ok.message

    fake.scopes = [s for s in manifest_scopes() if s not in ("channels:read", "files:write")]
    (missing,) = check_slack(doctor(sqlite_store, slack_env(fake)))
    assert missing.level == "fail" and "channels:read, files:write" in missing.message
    assert "reinstall" in missing.fix

    (revoked,) = check_slack(doctor(sqlite_store, slack_env(fake, "xoxb-revoked")))
    assert revoked.level == "fail" and "invalid_auth" in revoked.message
    assert "xoxb-revoked" not in revoked.message + revoked.fix
    fake.scopes = []

    (off,) = check_slack(doctor(sqlite_store, {}))
    assert off.level == "skip" and "SLACK_BOT_TOKEN" in off.message


def test_teams_credentials_all_three_or_none(sqlite_store: Store):
    full = {"MICROSOFT_APP_ID": "app", "MICROSOFT_APP_PASSWORD": "pw-123456", "MICROSOFT_APP_TENANT_ID": "t"}
    assert check_teams(doctor(sqlite_store, full))[0].level == "ok"
    (off,) = check_teams(doctor(sqlite_store, {}))
    assert off.level == "skip" and "Teams is off" in off.message and "local_mode is off" in off.message
    settings = load_settings(env={}).model_copy(update={"database_url": sqlite_store.url})
    local = settings.model_copy(update={"msteams": settings.msteams.model_copy(update={"local_mode": True})})
    (on,) = check_teams(deployment(local, {}))
    assert "local mode" in on.message and "no tokens are checked" in on.message
    assert "Turn local_mode off" in on.fix
    (partial,) = check_teams(doctor(sqlite_store, {"MICROSOFT_APP_ID": "app"}))
    assert partial.level == "fail"
    assert "MICROSOFT_APP_PASSWORD" in partial.message and "MICROSOFT_APP_TENANT_ID" in partial.message


def test_each_subscribed_channel_must_have_the_bot(any_store: Store, fake: FakeSlackAPI):
    fake.set_channel("C_OUTSIDE", is_member=False)
    fake.set_channel("C_CONNECTED", is_ext_shared=True)
    for platform, channel in (
        ("slack", "C_MEMBER"),
        ("slack", "C_OUTSIDE"),
        ("slack", "C_GONE"),
        ("slack", "C_CONNECTED"),
        ("teams", "19:installed@thread.tacv2"),
        ("teams", "19:never@thread.tacv2"),
    ):
        subscribe(any_store, platform, channel, "digest", "mon", "09:00", "UTC", "U1")
    save_reference(any_store, "19:installed@thread.tacv2", {"conversation": {"id": "19:installed"}})
    found = {
        f.message.split(" ")[0].rstrip(":"): f for f in check_channels(doctor(any_store, slack_env(fake)))
    }
    assert found["slack:C_MEMBER"].level == "ok"
    assert found["slack:C_OUTSIDE"].level == "fail" and "/invite @custseg" in found["slack:C_OUTSIDE"].fix
    assert found["slack:C_GONE"].level == "fail" and "channel_not_found" in found["slack:C_GONE"].message
    assert found["slack:C_CONNECTED"].level == "fail" and "allow_external" in found["slack:C_CONNECTED"].fix
    assert found["teams:19:installed@thread.tacv2"].level == "ok"
    assert found["teams:19:never@thread.tacv2"].level == "fail"
    assert "Add the custseg app" in found["teams:19:never@thread.tacv2"].fix


def test_worker_heartbeat_none_then_fresh_then_stale(any_store: Store):
    d = doctor(any_store, {})
    (none,) = check_worker(d)
    assert none.level == "warn" and "custseg worker" in none.fix

    Worker(any_store, d.settings, {}, refresh=lambda _now: None).tick()
    assert check_worker(d)[0].level == "ok"

    beat(any_store, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=12))
    (stale,) = check_worker(d)
    assert stale.level == "warn" and "12 minutes ago" in stale.message


def test_doctor_warns_about_each_placeholder_page_of_the_teams_package(sqlite_store: Store):
    full = {"MICROSOFT_APP_ID": "app", "MICROSOFT_APP_PASSWORD": "pw-123456", "MICROSOFT_APP_TENANT_ID": "t"}
    shipped = [f for f in check_teams(doctor(sqlite_store, full)) if "placeholder" in f.message]
    assert [f.level for f in shipped] == ["warn"] * 3
    assert {f.message.split("[msteams.app] ")[1].split(" ")[0] for f in shipped} == {
        "website_url",
        "privacy_url",
        "terms_url",
    }
    assert "https://example.com/custseg/privacy" in " ".join(f.message for f in shipped)

    settings = load_settings(env={}).model_copy(update={"database_url": sqlite_store.url})
    app = TeamsAppSettings(
        developer_name="Contoso Sales Tools",
        website_url="https://tools.contoso.com/custseg",
        privacy_url="https://tools.contoso.com/privacy",
        terms_url="unset",
    )
    own = settings.model_copy(update={"msteams": settings.msteams.model_copy(update={"app": app})})
    (left,) = [f for f in check_teams(deployment(own, full)) if "placeholder" in f.message]
    assert "terms_url is a placeholder (unset)" in left.message
