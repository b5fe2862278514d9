"""The base of every settings model."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

# The languages custseg reads and answers in (bot/i18n.py; bot/nlu/languages/ for reading).
Language = Literal["en", "zh", "de", "es"]


class Strict(BaseModel):
    """A settings model: unknown keys are errors (a typo is reported, not ignored), values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)
