"""Slack: the bolt app behind the web process, Block Kit rendering, App Home and the poster."""
