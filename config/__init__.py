"""Settings files and their loader. Secrets never live here: they come from the environment."""

from config.settings import (
    ColumnMapping,
    FileFormat,
    KeyAccountSettings,
    LifecycleSettings,
    Mapping,
    Settings,
    SourceSettings,
    ValueTierSettings,
    list_mappings,
    load_mapping,
    load_settings,
)

__all__ = [
    "ColumnMapping",
    "FileFormat",
    "KeyAccountSettings",
    "LifecycleSettings",
    "Mapping",
    "Settings",
    "SourceSettings",
    "ValueTierSettings",
    "list_mappings",
    "load_mapping",
    "load_settings",
]
