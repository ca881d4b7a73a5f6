"""Fixtures of the hotline's browser journey: the people, places and history of one city.

Built with the factories and the real services (not the demo city): the 12345 hotline centre
(``ECITY_HOTLINE_CENTRE_CODE``) with an agent and a dispatcher; 大智街道办事处, the office of
the sub-district where the caller lives; 城管局, the usual department of noise complaints, and
生态环境局, which handled some of them before; a published knowledge article about night-time
building noise; one earlier ticket of the caller's phone; and the city's last five weeks of
tickets: noise complaints rising in the last days against a baseline of road repairs, so that the
hotspot page has a real rise to show.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

#: The identity factories' password.
PASSWORD = "correct-horse-battery"
CALLER_PHONE = "13800138000"

NOISE_TEXTS = [
    "小区旁边工地夜间施工噪音扰民，凌晨还在打桩，无法入睡。",
    "楼下烧烤店深夜噪音扰民，音响声音很大。",
    "广场舞音响噪音扰民，晚上十点后仍未停止。",
    "道路施工机械夜间作业噪音扰民，居民无法休息。",
    "商铺门口大喇叭促销噪音扰民，持续整天。",
    "工地渣土车夜间进出噪音扰民，请加强管理。",
]
ROAD_TEXTS = [
    "解放大道人行道地砖松动破损，行人容易绊倒。",
    "黄浦大街路面坑洼积水，车辆通行困难。",
    "胜利街井盖缺失，存在安全隐患。",
    "中山大道非机动车道破损，请尽快修复。",
]


@pytest.fixture
def hotline_journey(db):
    """Everyone and everything the hotline journey needs, as a namespace."""
    from ecity.core.calendar import calendar_seed
    from ecity.hotline.models import Ticket
    from ecity.hotline.services.knowledge import (
        ArticleData,
        article_approve,
        article_create,
        article_submit,
    )
    from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
    from ecity.identity.tests.factories import DepartmentFactory, RegionFactory, StaffRoleFactory
    from ecity.org.models import Region, StaffRole

    Role = StaffRole.Role
    calendar_seed()
    city = RegionFactory(code="420100", name_zh="武汉市", name_en="Wuhan", level=Region.Level.CITY)
    district = RegionFactory(
        code="420102",
        name_zh="江岸区",
        name_en="Jiang'an",
        level=Region.Level.DISTRICT,
        parent=city,
    )
    street = RegionFactory(
        code="420102001",
        name_zh="大智街道",
        name_en="Dazhi Subdistrict",
        level=Region.Level.SUBDISTRICT,
        parent=district,
    )
    community = RegionFactory(
        code="420102001001",
        name_zh="吉庆社区",
        name_en="Jiqing Community",
        level=Region.Level.COMMUNITY,
        parent=street,
    )
    centre = DepartmentFactory(
        code=str(settings.ECITY_HOTLINE_CENTRE_CODE),
        name_zh="12345热线中心",
        name_en="12345 Hotline Centre",
        region=city,
    )
    urban = DepartmentFactory(
        code="CGJ", name_zh="城管局", name_en="Urban Management Bureau", region=city
    )
    environment = DepartmentFactory(
        code="HBJ", name_zh="生态环境局", name_en="Ecology and Environment Bureau", region=city
    )
    office = DepartmentFactory(
        code="DZJD", name_zh="大智街道办事处", name_en="Dazhi Subdistrict Office", region=street
    )

    def staff(department, role, username):
        return StaffRoleFactory(department=department, role=role, user__username=username).user

    agent = staff(centre, Role.HOTLINE_AGENT, "agent_12345")
    dispatcher = staff(centre, Role.HOTLINE_DISPATCHER, "dispatch_12345")
    office_handler = staff(office, Role.TICKET_HANDLER, "handler_dzjd")
    urban_handler = staff(urban, Role.TICKET_HANDLER, "handler_cgj")
    noise = CategoryFactory(
        code="NOISE", name_zh="噪音扰民", name_en="Noise nuisance", department=urban, local=True
    )
    roads = CategoryFactory(
        code="ROADS", name_zh="道路维修", name_en="Road repairs", department=urban
    )

    # The knowledge base answers the agent while the caller speaks.
    article = article_create(
        actor=urban_handler,
        department=urban,
        data=ArticleData(
            category=noise,
            title="夜间施工噪音的处理规定",
            body="夜间22时至次日6时在居民区施工，须取得夜间施工许可；无证施工由城管执法查处。",
            keywords="噪音, 夜间施工, 工地",
            is_public=True,
        ),
    )
    article_submit(actor=urban_handler, article=article)
    article_approve(actor=dispatcher, article=article)

    # History: road repairs in the four weeks before the last week, noise complaints in the
    # last days (some handled by 生态环境局, so the dispatch suggestion has three departments).
    now = timezone.now()
    for day in range(9, 34, 4):
        TicketFactory(
            category=roads,
            title="道路破损",
            description=ROAD_TEXTS[day % len(ROAD_TEXTS)],
            caller_phone=f"1390000{day:04d}",
            received_at=now - dt.timedelta(days=day),
            region=community,
            closed=True,
        )
    for index, text in enumerate(NOISE_TEXTS):
        TicketFactory(
            category=noise,
            title="噪音扰民",
            description=text,
            caller_phone=f"1370000{index:04d}",
            received_at=now - dt.timedelta(days=index % 5 + 1, hours=index),
            region=community,
            closed=True,
            department=environment if index % 3 == 0 else urban,
        )
    earlier = TicketFactory(
        category=noise,
        title="广场舞噪音",
        description="小区广场舞音响噪音扰民。",
        caller_phone=CALLER_PHONE,
        received_at=now - dt.timedelta(days=40),
        region=community,
        closed=True,
    )
    assert Ticket.objects.filter(category=noise).count() == len(NOISE_TEXTS) + 1
    return SimpleNamespace(
        city=city,
        street=street,
        community=community,
        centre=centre,
        urban=urban,
        environment=environment,
        office=office,
        agent=agent,
        dispatcher=dispatcher,
        office_handler=office_handler,
        urban_handler=urban_handler,
        noise=noise,
        roads=roads,
        article=article,
        earlier=earlier,
    )
