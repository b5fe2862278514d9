"""Who may decide a win-back suggestion, and who a decision is recorded as."""

from __future__ import annotations

from bot import wording
from bot.context import Context
from bot.winback.cards import teams_of
from config.access import Person
from config.settings import Settings
from custseg.actions import Actor


def refusal(settings: Settings, person: Person | None, owner: str | None, to_state: str) -> str | None:
    """Why this person may not make this transition, or None when they may.

    Managers of a team that holds the customer's account manager, and admins, decide; the
    customer's own account manager may also mark an approved task done. With no people configured
    (the open-access demo) there is nobody to refer a decision to, so the one user decides; any
    configured person or user closes that door, so a deployment never falls open.
    """
    if settings.open_access:
        return None
    teams = teams_of(settings, owner)
    if person is not None:
        if person.role == "admin":
            return None
        if person.role == "manager" and set(teams) & set(person.teams):
            return None
        if to_state == "done" and owner is not None and person.owner == owner:
            return None
    verb = wording.ACTION_VERB[to_state]
    if to_state == "done" and teams:
        return wording.ONLY_OWNER_OR_MANAGERS.format(
            owner=owner or wording.NO_ACCOUNT_MANAGER, teams=" or ".join(teams)
        )
    if not teams:
        return wording.ONLY_ADMINS.format(verb=verb, owner=owner or wording.NO_ACCOUNT_MANAGER)
    return wording.ONLY_MANAGERS.format(teams=" or ".join(teams), verb=verb)


def actor_of(ctx: Context) -> Actor:
    person = ctx.person
    name = person.name if person else (ctx.user.display_name or ctx.user.user_id)
    return Actor(name, ctx.user.platform, ctx.user.user_id)
