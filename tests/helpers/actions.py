"""The people and teams of the win-back action tests, and drafts to propose."""

from __future__ import annotations

import datetime as dt

from bot.context import Channel, ChatUser
from config import Settings, load_settings
from config.access import Person, TeamSettings
from custseg.actions import Actor, Draft

PETRA = ChatUser("U_PETRA", "slack")  # manages EMEA (Maria's and Lukas's books)
OLGA = ChatUser("U_OLGA", "slack")  # also manages EMEA
KEN = ChatUser("U_KEN", "slack")  # manages APAC
MARIA = ChatUser("U_MARIA", "slack")  # account manager, owns Globex
VIC = ChatUser("U_VIC", "slack")  # viewer in EMEA
ADA = ChatUser("29:ada", "teams")  # admin, on Teams
NOBODY = ChatUser("U_NOBODY", "slack")
CHANNEL = Channel("C_WINBACK", "slack")


def team_settings() -> Settings:
    base = load_settings(env={})
    return base.model_copy(
        update={
            "people": {
                "petra": Person(name="Petra Novak", role="manager", teams=["EMEA"], slack_id="U_PETRA"),
                "olga": Person(name="Olga Berg", role="manager", teams=["EMEA"], slack_id="U_OLGA"),
                "ken": Person(name="Ken Sato", role="manager", teams=["APAC"], slack_id="U_KEN"),
                "maria": Person(name="Maria", owner="Maria", teams=["EMEA"], slack_id="U_MARIA"),
                "vic": Person(name="Vic Viewer", role="viewer", teams=["EMEA"], slack_id="U_VIC"),
                "ada": Person(name="Ada Admin", role="admin", teams_id="29:ada"),
            },
            "teams": {
                "EMEA": TeamSettings(members=["Maria", "Lukas"]),
                "APAC": TeamSettings(members=["Aiko", "Priya"]),
            },
        }
    )


def draft(customer_id: str = "C1", playbook: str = "dormant_high_value", owner: str = "Maria") -> Draft:
    return Draft(
        customer_id=customer_id,
        customer_name=f"Customer {customer_id}",
        owner=owner,
        playbook=playbook,
        task="Account-manager call plus a reactivation offer",
        facts={"segment": "loyal", "lifecycle": "dormant", "value_tier": "high", "revenue": 1000.0},
        value_at_stake=5000.0,
        value_basis="revenue",
        expected_value=1500.0,
        snapshot_as_of=dt.date(2026, 11, 13),
    )


MANAGER = Actor("Petra Novak", "slack", "U_PETRA")
OTHER_MANAGER = Actor("Paul Other", "teams", "29:paul")
