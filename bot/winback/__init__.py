"""Win-back suggestions in chat, apart from the handlers that decide them (``bot.handlers.actions``):
how a suggestion is shown (``cards``), who may decide it (``rights``), how its posted copies follow
a decision (``copies``), and decisions typed as text (``typed``)."""
