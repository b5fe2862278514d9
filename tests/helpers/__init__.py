"""Shared test helpers, imported by test modules and conftest files alike (conftest files only
declare fixtures and hooks; nothing imports from them)."""
