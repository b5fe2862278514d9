"""What Teams' app manifest schema (v1.17) and its localization schema require of the parts of
our package that change: the publisher, version, languages and the messaging extension. Written
from the published schemas' constraints (lengths, enums, patterns, required keys); ``breaks``
lists every one a manifest breaks."""

from __future__ import annotations

import re
from typing import Any

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
HTTPS = re.compile(r"^[Hh][Tt][Tt][Pp][Ss]?://")
LANGUAGE_TAG = re.compile(r"^[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8}){0,2}$")
COMMAND_TYPES = {"query", "action"}
COMMAND_CONTEXTS = {"compose", "commandBox", "message"}
INPUT_TYPES = {"text", "textarea", "number", "date", "time", "toggle", "choiceset"}
# The localization file's keys (fixed, or patterns) and their maximum lengths.
LOCALIZED = {"name.short": 30, "name.full": 100, "description.short": 80, "description.full": 4000}
LOCALIZED_PATTERNS = {
    re.compile(r"^composeExtensions\[0\]\.commands\[[0-9]\]\.(title)$"): 32,
    re.compile(r"^composeExtensions\[0\]\.commands\[[0-9]\]\.(description)$"): 128,
    re.compile(r"^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.title$"): 32,
    re.compile(r"^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.description$"): 128,
    re.compile(r"^bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.title$"): 32,
    re.compile(r"^bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.description$"): 128,
}


def _text(where: str, value: Any, limit: int, found: list[str]) -> None:
    if not isinstance(value, str) or not value:
        found.append(f"{where} must be a non-empty string")
    elif len(value) > limit:
        found.append(f"{where} is {len(value)} characters (at most {limit})")


def breaks(manifest: dict[str, Any]) -> list[str]:
    """Every rule of the manifest schema the manifest breaks, in the schema's words."""
    found: list[str] = []
    for key in (
        "manifestVersion",
        "version",
        "id",
        "developer",
        "name",
        "description",
        "icons",
        "accentColor",
    ):
        if key not in manifest:
            found.append(f"{key} is required")
    if not SEMVER.match(str(manifest.get("version", ""))):
        found.append(f"version {manifest.get('version')!r} is not major.minor.patch")
    developer = manifest.get("developer", {})
    _text("developer.name", developer.get("name"), 32, found)
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        url = developer.get(key)
        if not isinstance(url, str) or not HTTPS.match(url) or len(url) > 2048:
            found.append(f"developer.{key} {url!r} is not an http(s) URL")
    _text("name.short", manifest.get("name", {}).get("short"), 30, found)
    _text("description.short", manifest.get("description", {}).get("short"), 80, found)
    _text("description.full", manifest.get("description", {}).get("full"), 4000, found)
    info = manifest.get("localizationInfo")
    if info is not None:
        if not LANGUAGE_TAG.match(str(info.get("defaultLanguageTag", ""))):
            found.append("localizationInfo.defaultLanguageTag is required and a language tag")
        for extra in info.get("additionalLanguages", []):
            if set(extra) != {"languageTag", "file"} or not LANGUAGE_TAG.match(str(extra["languageTag"])):
                found.append(
                    f"localizationInfo.additionalLanguages: {extra!r} needs languageTag and file only"
                )
    extensions = manifest.get("composeExtensions", [])
    if len(extensions) > 1:
        found.append("composeExtensions: at most one")
    for extension in extensions:
        if not extension.get("botId") or len(extension["botId"]) > 64:
            found.append("composeExtensions[0].botId is required (at most 64 characters)")
        commands = extension.get("commands") or []
        if not 1 <= len(commands) <= 10:
            found.append("composeExtensions[0].commands: 1 to 10")
        for n, command in enumerate(commands):
            where = f"composeExtensions[0].commands[{n}]"
            _text(f"{where}.id", command.get("id"), 64, found)
            _text(f"{where}.title", command.get("title"), 32, found)
            if "description" in command:
                _text(f"{where}.description", command["description"], 128, found)
            if command.get("type", "query") not in COMMAND_TYPES:
                found.append(f"{where}.type must be one of {sorted(COMMAND_TYPES)}")
            if not set(command.get("context", [])) <= COMMAND_CONTEXTS:
                found.append(f"{where}.context must be among {sorted(COMMAND_CONTEXTS)}")
            parameters = command.get("parameters") or []
            if not 1 <= len(parameters) <= 5:
                found.append(f"{where}.parameters: 1 to 5")
            for i, parameter in enumerate(parameters):
                _text(f"{where}.parameters[{i}].name", parameter.get("name"), 64, found)
                _text(f"{where}.parameters[{i}].title", parameter.get("title"), 32, found)
                if "description" in parameter:
                    _text(f"{where}.parameters[{i}].description", parameter["description"], 128, found)
                if parameter.get("inputType", "text") not in INPUT_TYPES:
                    found.append(f"{where}.parameters[{i}].inputType must be one of {sorted(INPUT_TYPES)}")
    return found


def language_breaks(strings: dict[str, Any]) -> list[str]:
    """Every rule of the localization schema a language file breaks."""
    found = [
        f"{key} is required"
        for key in ("name.short", "description.short", "description.full")
        if key not in strings
    ]
    for key, value in strings.items():
        if key == "$schema":
            continue
        limit = LOCALIZED.get(key) or next((n for p, n in LOCALIZED_PATTERNS.items() if p.match(key)), None)
        if limit is None:
            found.append(f"{key} is not a key the localization schema allows")
        else:
            _text(key, value, limit, found)
    return found
