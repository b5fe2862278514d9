"""Win-back actions: suggested by the playbook, decided by managers, measured afterwards.

``playbook`` matches customers to plays and values them; ``workflow`` is the stored state machine
with its audit log; ``measure`` tells whether approved actions won customers back.
"""

from custseg.actions.measure import Measurement, measure
from custseg.actions.playbook import Draft, Playbook, value_at_stake
from custseg.actions.workflow import (
    OPEN_STATES,
    STATES,
    SYSTEM,
    TRANSITIONS,
    Actor,
    Outcome,
    Suggestion,
    Transition,
    approve,
    audit_log,
    get,
    last_transition,
    list_suggestions,
    mark_done,
    open_for,
    propose,
    reject,
    require,
    snooze,
    sweep,
    transition,
)

__all__ = [
    "OPEN_STATES",
    "STATES",
    "SYSTEM",
    "TRANSITIONS",
    "Actor",
    "Draft",
    "Measurement",
    "Outcome",
    "Playbook",
    "Suggestion",
    "Transition",
    "approve",
    "audit_log",
    "get",
    "last_transition",
    "list_suggestions",
    "mark_done",
    "measure",
    "open_for",
    "propose",
    "reject",
    "require",
    "snooze",
    "sweep",
    "transition",
    "value_at_stake",
]
