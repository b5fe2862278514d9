"""Churn risk: a calibrated classifier trained on time-split history, checked against BG/NBD.

The question is the one an account manager asks: *will this customer order nothing in the next
H days?* Everything is measured in whole days.

- **Features** are taken as of a cutoff day from the per-customer aggregates of the orders up to the
  end of that day only (``aggregate_frame`` / ``aggregate_sql`` cut there), so nothing that happened
  later can leak in: days since the last purchase, purchases, tenure, the customer's own typical gap
  and how overdue they are against it (the lifecycle rule's yardstick), average order value, spend
  pace of the last 90 days, the 90-day revenue trend and the share of value returned.
- **Label** for a cutoff ``c``: 1 when the customer makes no purchase in ``(c, c + H]`` (returns
  are not purchases).
- **Horizon H**: ``[churn] horizon_days`` if set; otherwise ``horizon_gaps`` (2) × the median
  typical gap of customers with a rhythm of their own (≥ ``min_orders_for_rhythm`` purchases), the
  same "two usual gaps missed" that makes a customer *declining* in the lifecycle rule, clipped to
  ``[min_horizon_days, max_horizon_days]`` and to a third of the history so a training window fits.
- **Time split**: train on cutoff ``c1 = as_of − 2H`` with labels from ``(c1, c1 + H]``; evaluate
  on the later cutoff ``c2 = as_of − H`` with labels from ``(c2, as_of]``, which the training never
  saw. The classifier is compared there with the BG/NBD baseline fitted on the history up to ``c2``;
  the better one (higher ROC-AUC; within ``AUC_TIE`` the lower Brier score) is refitted on the most
  recent labelled window (cutoff ``c2``) and scores every customer as of ``as_of``.
- **Too small**: the classifier needs ``min_events_per_feature`` (10, the usual events-per-variable
  rule for logistic regression) churners *and* as many non-churners per feature in the training
  window, and 30 of each in the holdout; otherwise the snapshot keeps the lifecycle rule and says why.
"""
