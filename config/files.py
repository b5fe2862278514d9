"""Reading settings files: TOML in, every validation problem reported at once."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from config.errors import ConfigError


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``base`` with the keys ``over`` gives replaced, tables merged key by key (neither is changed)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file's tables; a missing or malformed file is a ``ConfigError`` saying which."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"Settings file {path} does not exist.") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path} is not valid TOML: {err}") from None


def explain(err: ValidationError, origin: str) -> ConfigError:
    """One ``ConfigError`` listing every problem pydantic found in the file ``origin``, by key path."""
    lines = [f"  {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in err.errors()]
    return ConfigError(f"{origin} has {len(lines)} problem(s):\n" + "\n".join(lines))
