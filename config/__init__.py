"""Settings files and their loader. Secrets never live here: they come from the environment.

``settings`` holds the one ``Settings`` object and ``load_settings``; its sections are in
``sections`` (source, rules, models, worker, delivery, channels, web, Teams), ``playbook`` (win-back
plays) and ``access`` (people, roles, teams, data scope); ``mappings`` are the column mappings of
order files; ``labels`` the snapshot's label vocabularies; ``errors`` the root of the exception
hierarchy. This package imports nothing of custseg, bot or adapters.
"""

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
