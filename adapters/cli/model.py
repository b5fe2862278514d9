"""`custseg model report`: how well the churn model did on a later holdout, next to BG/NBD."""

from __future__ import annotations

import argparse
from pathlib import Path

from adapters.cli.common import open_store_for, settings_from
from config import Settings
from custseg.errors import CustsegError, ModelError

# The reference data sets beside the project (../shared/data), each read through its shipped mapping.
DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DATASETS = {
    "cdnow": ("CDNOW master", Path("cdnow") / "CDNOW_master.txt", "cdnow"),
    "online_retail": ("UCI Online Retail", Path("online_retail") / "online_retail.csv.gz", "online_retail"),
}
ROWS = (
    ("ROC-AUC", "roc_auc"),
    ("Brier score", "brier"),
    ("precision", "precision"),
    ("recall", "recall"),
    ("error rate (1 − precision)", "error_rate"),
    ("missing ratio (1 − recall)", "missing_ratio"),
    ("share flagged high risk", "flagged_share"),
)


def _evaluate(dataset: str, settings: Settings, args: argparse.Namespace):
    from custseg.models.churn.evaluation import evaluate_churn
    from custseg.models.churn.history import OrderHistory

    if dataset == "store":
        from custseg.pipeline import summarize_source, summarize_store

        if settings.source.kind in ("sql", "spark"):
            summary = summarize_source(settings, args.as_of)
        else:
            summary = summarize_store(open_store_for(settings), settings, args.as_of)
        assert summary.history is not None
        evaluation, _ = evaluate_churn(summary.history, summary.as_of, settings, summary.aggregates)
        return summary.source, evaluation
    from custseg.ingest.readers import read_order_file

    title, relative, mapping = DATASETS[dataset]
    path = Path(args.data_dir) / relative
    if not path.exists():
        raise CustsegError(
            f"{path} is missing: the reference data sets live in ../shared/data (or pass --data-dir)."
        )
    orders = read_order_file(path, mapping, timezone=settings.timezone).orders
    as_of = args.as_of or orders["ordered_at"].max().date()
    history = OrderHistory.from_orders(orders, settings.lifecycle.trend_window_days)
    evaluation, _ = evaluate_churn(history, as_of, settings)
    return f"{title} ({path.name}, mapping {mapping})", evaluation


def report_text(source: str, ev) -> str:
    """The accuracy table of one evaluation (both models side by side, the chosen one marked)."""
    from adapters.cli import render
    from custseg.models.churn.baseline import BASELINE
    from custseg.models.churn.classifier import CLASSIFIER
    from custseg.models.churn.evaluation import AUC_TIE

    models = [(CLASSIFIER, "classifier", ev.classifier), (BASELINE, "BG/NBD", ev.baseline)]
    header = ["holdout metric"] + [f"{label}{' *' if key == ev.chosen else ''}" for key, label, _ in models]
    rows = []
    for name, attr in ROWS:
        if attr in ("precision", "recall", "error_rate", "missing_ratio", "flagged_share"):
            name = f"{name} at p ≥ {ev.classifier.threshold:g}"
        rows.append([name] + [f"{getattr(m, attr):.3f}" if m is not None else "—" for _, _, m in models])
    h = ev.holdout_cutoff
    lines = [
        f"{source} as of {ev.as_of}",
        f"  churn = no order in the next {ev.horizon_days} days",
        f"  trained on cutoff {ev.train_cutoff} ({ev.n_train:,} customers, {100 * ev.train_churn_rate:.1f} % churned); "
        f"holdout cutoff {h} ({ev.classifier.n:,} customers, {100 * ev.classifier.churn_rate:.1f} % churned)",
        "",
        render.table(header, rows, right=(1, 2)),
        f"* chosen: higher holdout ROC-AUC; within {AUC_TIE:g} the lower Brier score.",
    ]
    if ev.alive_only_auc is not None:
        lines.append(
            f"  BG/NBD 1 − P(alive) alone ranks with ROC-AUC {ev.alive_only_auc:.3f} "
            "(it is 0 for every one-time buyer, so the baseline adds the alive-but-quiet chance)."
        )
    if ev.baseline_note:
        lines.append(f"  {ev.baseline_note}")
    rel = ev.chosen_metrics.reliability
    lines += [
        "",
        "Calibration of the chosen model on the holdout, by decile of predicted probability:",
        render.table(
            ["decile", "customers", "mean predicted", "churned"],
            [
                [int(r.decile), f"{int(r.customers):,}", f"{r.mean_predicted:.3f}", f"{r.observed:.3f}"]
                for r in rel.itertuples()
            ],
            right=(0, 1, 2, 3),
        ),
    ]
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    datasets = [args.dataset] if args.dataset else list(DATASETS)
    for i, dataset in enumerate(datasets):
        try:
            source, evaluation = _evaluate(dataset, settings, args)
        except ModelError as err:
            print(f"{dataset}: no churn model ({err}); snapshots use the lifecycle rule for churn risk.")
            continue
        print(("\n" if i else "") + report_text(source, evaluation))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from adapters.cli.common import parse_date

    p = sub.add_parser("model", help="predictive models: accuracy reports")
    models = p.add_subparsers(dest="model_command", required=True, metavar="COMMAND")
    r = models.add_parser(
        "report",
        help="churn model vs BG/NBD on a later holdout (CDNOW and Online Retail by default)",
    )
    r.add_argument(
        "--dataset",
        choices=[*DATASETS, "store"],
        help="one reference data set, or 'store': the orders of the configured source",
    )
    r.add_argument("--data-dir", default=str(DATA_DIR), help="folder of the reference data sets")
    r.add_argument("--as-of", type=parse_date, help="last day of history (default: the newest order)")
    r.set_defaults(func=cmd_report)
