"""Every Teams test module builds a module-scoped ``world`` (``tests.teams.world.running_world``);
``teams`` is that world with the connector's recordings cleared for the test."""

from __future__ import annotations

import pytest

from tests.teams.world import World


@pytest.fixture
def teams(world: World) -> World:
    world.connector.clear()
    return world
