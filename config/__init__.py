"""Settings files and their loader. Secrets never live here: they come from the environment."""

from config.mappings import ColumnMapping, FileFormat, Mapping, list_mappings, load_mapping
from config.sections import KeyAccountSettings, LifecycleSettings, SourceSettings, ValueTierSettings
from config.settings import Settings, load_settings

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
