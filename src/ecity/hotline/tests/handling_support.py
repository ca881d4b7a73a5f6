"""Shared fixtures of the handling tests: the hotline centre, two departments and their staff.

``people`` gives a namespace with departments ``centre`` (12345), ``water`` and ``roads``;
users ``dispatcher`` and ``agent`` (centre), ``handler`` (water), ``roads_handler`` (roads),
``supervisor`` (a supervisor of water) and ``citizen``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole

Role = StaffRole.Role


@pytest.fixture
def people(db):
    centre = DepartmentFactory(code="12345", name_zh="12345热线中心")
    water = DepartmentFactory(code="SWJ", name_zh="市水务局")
    roads = DepartmentFactory(code="JTJ", name_zh="市交通运输局")
    return SimpleNamespace(
        centre=centre,
        water=water,
        roads=roads,
        dispatcher=StaffRoleFactory(department=centre, role=Role.HOTLINE_DISPATCHER).user,
        agent=StaffRoleFactory(department=centre, role=Role.HOTLINE_AGENT).user,
        handler=StaffRoleFactory(department=water, role=Role.TICKET_HANDLER).user,
        roads_handler=StaffRoleFactory(department=roads, role=Role.TICKET_HANDLER).user,
        supervisor=StaffRoleFactory(department=water, role=Role.SUPERVISOR).user,
        citizen=UserFactory(),
    )


def water_ticket(people, **kwargs):
    """A ticket of the water department (``dispatched=True``, ``handling=True`` … as kwargs)."""
    kwargs.setdefault("citizen", people.citizen)
    return TicketFactory(category=CategoryFactory(department=people.water), **kwargs)
