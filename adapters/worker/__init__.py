"""The worker process: scheduled digests and churn alerts, delivered through the outbox."""
