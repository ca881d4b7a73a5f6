"""Fixtures of the Open311 tests: a service with questions, a client system and its key."""

from __future__ import annotations

import pytest

from ecity.hotline.models import Open311Attribute
from ecity.hotline.open311.services import open311_client_create
from ecity.hotline.tests.factories import CategoryFactory

INSIDE = {"lat": "30.590000", "long": "114.300000"}  # Wuhan, inside the city's box
OUTSIDE = {"lat": "39.904200", "long": "116.407400"}  # Beijing


@pytest.fixture(name="open311")
def open311_fixture(hotline):
    """The hotline fixture plus: a parent with a leaf service LIGHT that asks two questions."""
    urban_affairs = CategoryFactory(code="URBAN", name_zh="城市管理", name_en="Urban affairs")
    light = CategoryFactory(
        code="LIGHT",
        name_zh="路灯不亮",
        name_en="Street light out",
        description="路灯不亮或闪烁",
        parent=urban_affairs,
        department=hotline["urban"],
    )
    Open311Attribute.objects.create(
        category=light,
        code="pole",
        datatype=Open311Attribute.Datatype.NUMBER,
        required=True,
        order=1,
        description="灯杆编号",
    )
    Open311Attribute.objects.create(
        category=light,
        code="fault",
        datatype=Open311Attribute.Datatype.MULTIVALUELIST,
        order=2,
        description="故障情况",
        values=[{"key": "dark", "name": "不亮"}, {"key": "blink", "name": "闪烁"}],
    )
    client, key = open311_client_create(actor=None, name="城市App")
    return {**hotline, "urban_affairs": urban_affairs, "light": light, "client": client, "key": key}
