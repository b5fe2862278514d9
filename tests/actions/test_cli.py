"""`custseg actions`: list, export (with the audit log) and report, on a stored workflow."""

from __future__ import annotations

import csv
import json

from adapters.cli.main import main
from tests.helpers.actions import ADA, CHANNEL, MARIA, PETRA


def _run(capsys, store, *args: str) -> str:
    assert main(["--database", store.url, "actions", *args]) == 0
    return capsys.readouterr().out


def _flow(brain) -> tuple[int, int]:
    globex = brain.ask("suggest a win-back for Globex", MARIA, CHANNEL).buttons[0].payload["suggestion_id"]
    # Initech is John's customer, outside Maria's book: the admin asks for it.
    initech = brain.ask("suggest a win-back for Initech", ADA, CHANNEL).buttons[0].payload["suggestion_id"]
    brain.act("action.approve", {"suggestion_id": globex}, PETRA, CHANNEL)
    brain.act(
        "action.reject", {"suggestion_id": initech, "reason": "framework deal, price fixed"}, ADA, CHANNEL
    )
    return globex, initech


def test_list_filters_by_state(brain, capsys):
    assert "No suggested actions" in _run(capsys, brain.store)
    _flow(brain)
    everything = _run(capsys, brain.store)
    assert "Globex" in everything and "Initech" in everything and "2 suggestions" in everything
    approved = _run(capsys, brain.store, "list", "--state", "approved")
    assert "Globex" in approved and "Initech" not in approved and "Petra Novak" in approved


def test_export_writes_suggestions_and_the_full_audit_log(brain, capsys, tmp_path):
    globex, initech = _flow(brain)
    out = _run(capsys, brain.store, "export", "--format", "csv", str(tmp_path / "actions.csv"))
    assert "2 suggestions and 4 audit entries" in out
    with (tmp_path / "actions.csv").open() as fh:
        rows = {int(r["id"]): r for r in csv.DictReader(fh)}
    assert rows[globex]["state"] == "approved" and json.loads(rows[globex]["facts"])["lifecycle"] == "dormant"
    with (tmp_path / "actions-audit.csv").open() as fh:
        audit = list(csv.DictReader(fh))
    assert [
        (a["suggestion_id"], a["from_state"], a["to_state"], a["actor"], a["platform"]) for a in audit
    ] == [
        (str(globex), "", "proposed", "Maria", "slack"),
        (str(initech), "", "proposed", "Ada Admin", "teams"),
        (str(globex), "proposed", "approved", "Petra Novak", "slack"),
        (str(initech), "proposed", "rejected", "Ada Admin", "teams"),
    ]
    assert audit[-1]["reason"] == "framework deal, price fixed"

    _run(capsys, brain.store, "export", "--format", "json", str(tmp_path / "actions.json"))
    data = json.loads((tmp_path / "actions.json").read_text())
    assert {s["id"] for s in data["suggestions"]} == {globex, initech}
    assert len(data["audit"]) == 4 and data["suggestions"][0]["facts"]["segment"]


def test_report_states_the_window_and_what_is_still_pending(brain, capsys):
    assert "nothing to measure" in _run(capsys, brain.store, "report")
    _flow(brain)
    out = _run(capsys, brain.store, "report")
    assert "measured 30 days after each approval" in out and "rejected or never made" in out
    assert "dormant_high_value" in out
    # Approved today, but the demo's orders end earlier: the window is not covered yet.
    assert "1 approved action still within the window" in out
