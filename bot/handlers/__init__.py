"""One handler per intent (and per button action). Each module lists what it answers in
``INTENTS`` (intent name → handler) and ``ACTIONS`` (button action → handler); the composition
root (``bot.app``) registers them on a ``bot.registry.Handlers`` instance. Handlers return a
neutral ``Reply``."""
