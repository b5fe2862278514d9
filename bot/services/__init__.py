"""The application layer: what the chat adapters, the worker, the CLI and the console call.

- ``chat``: a message or a button press → one neutral ``Reply`` (what ``bot.brain.Brain`` fronts).
- ``access``: who a chat user is, what they may see and ask.
- ``scheduled``: the content of scheduled digests and churn alerts, and the daily action sweep.

``bot.app.build`` wires them from settings and a store.
"""
