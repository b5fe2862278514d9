"""Microsoft Teams: the Agents SDK adapter, Adaptive Card rendering, proactive posts."""
