"""`custseg slack-socket` without its tokens says which ones are missing."""

from __future__ import annotations

from tests.helpers.slack import TOKEN


def test_socket_mode_command_names_the_missing_tokens(monkeypatch, capsys):
    from adapters.cli.main import main

    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    assert main(["slack-socket"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_APP_TOKEN" in err and "SLACK_BOT_TOKEN" not in err.split("environment")[0]
