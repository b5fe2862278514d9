"""The base of every settings model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A settings model: unknown keys are errors (a typo is reported, not ignored), values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)
