"""`custseg model report` prints the holdout accuracy table, both models side by side."""

from __future__ import annotations

from adapters.cli.main import main
from tests.helpers.data import CDNOW_MASTER, need


def test_model_report_prints_both_models_and_marks_the_chosen_one(capsys):
    need(CDNOW_MASTER)
    assert main(["model", "report", "--dataset", "cdnow"]) == 0
    out = capsys.readouterr().out
    assert "churn = no order in the next 155 days" in out
    assert "classifier *" in out and "BG/NBD" in out
    auc = next(line for line in out.splitlines() if line.startswith("ROC-AUC")).split()
    assert 0.78 < float(auc[1]) < 0.86 and 0.75 < float(auc[2]) < 0.85
    assert "missing ratio (1 − recall) at p ≥ 0.7" in out
    assert "by decile of predicted probability" in out


def test_model_report_on_an_empty_store_says_what_to_do(tmp_path, capsys):
    code = main(["--database", f"sqlite:///{tmp_path / 'x.db'}", "model", "report", "--dataset", "store"])
    assert code != 0
    assert "custseg load" in capsys.readouterr().err
