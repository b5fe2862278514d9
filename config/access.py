"""Who uses custseg and which customers they may see: people, roles, teams and data scope."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from config.base import Language, Strict

Role = Literal["admin", "manager", "account_manager", "viewer"]
Scope = Literal["own", "team", "all"]
DEFAULT_SCOPE: dict[str, Scope] = {
    "admin": "all",
    "manager": "team",
    "account_manager": "own",
    "viewer": "team",
}


class Person(Strict):
    """Someone who uses custseg, and how chat platforms know them.

    ``owner`` is their name in the data's account-manager column (their book); ``teams`` are the
    teams they belong to or, for managers, manage. ``scope`` overrides the role's default data scope
    (admin: all, manager: team, account_manager: own, viewer: team).
    """

    name: str
    role: Role = "account_manager"
    owner: str | None = None
    teams: list[str] = Field(default_factory=list)
    scope: Scope | None = None
    slack_id: str | None = None
    teams_id: str | None = None
    email: str | None = None
    # The language answers to this person are in, whatever their platform or message says.
    language: Language | None = None

    @property
    def data_scope(self) -> Scope:
        return self.scope or DEFAULT_SCOPE[self.role]


class TeamSettings(Strict):
    """A team is a group of account managers' books (names as in the data's owner column)."""

    members: list[str] = Field(default_factory=list)


def find_person(
    people: dict[str, Person], users: dict[str, str], platform: str, user_id: str, email: str | None = None
) -> Person | None:
    """Who a chat user is: by platform id (slack_id / teams_id), then e-mail, then ``users``.

    Parameters
    ----------
    people : dict
        The configured people by key.
    users : dict
        The shorthand: chat user id → account-manager name (someone who sees their own book).
    """
    for p in people.values():
        if (platform == "slack" and p.slack_id == user_id) or (platform == "teams" and p.teams_id == user_id):
            return p
    if email:
        for p in people.values():
            if p.email and p.email.lower() == email.lower():
                return p
    owner = users.get(user_id)
    if owner is not None:
        return Person(name=owner, owner=owner, role="account_manager")
    return None


def scope_owners(
    person: Person | None, teams: dict[str, TeamSettings], open_access: bool
) -> frozenset[str] | None:
    """The account managers whose customers ``person`` may see; None means every customer.

    Unknown people see nothing (an empty set) unless access is open (no people configured).
    """
    if person is None:
        return None if open_access else frozenset()
    scope = person.data_scope
    if scope == "all":
        return None
    owners = {person.owner} if person.owner else set()
    if scope == "team":
        owners |= team_members(teams, person.teams)
    return frozenset(owners)


def team_members(teams: dict[str, TeamSettings], team_names: list[str]) -> set[str]:
    """The account managers (owner names) whose books make up these teams."""
    return {m for t in team_names if t in teams for m in teams[t].members}


def teams_of_owner(teams: dict[str, TeamSettings], owner: str | None) -> list[str]:
    """The teams whose books include this account manager's customers."""
    return sorted(name for name, t in teams.items() if owner is not None and owner in t.members)
