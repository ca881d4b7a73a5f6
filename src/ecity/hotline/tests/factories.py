"""factory_boy factories for hotline categories and tickets.

``TicketFactory()`` is a ticket as intake leaves it (received, awaiting dispatch); traits give
the later states with the fields the services would have set::

    TicketFactory()                  # received
    TicketFactory(dispatched=True)   # dispatched to a department, awaiting sign-for
    TicketFactory(handling=True)     # signed for, being handled
    TicketFactory(closed=True)       # answered and closed
"""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from ecity.core.crypto import blind_index
from ecity.hotline.models import Category, Ticket, TicketKind
from ecity.identity.tests.factories import DepartmentFactory

PHONE_INDEX_PURPOSE = "hotline-caller-phone"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"C{n:04d}")
    name_zh = factory.Sequence(lambda n: f"诉求分类{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    department = factory.SubFactory(DepartmentFactory)


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    class Params:
        dispatched = factory.Trait(
            status=Ticket.Status.DISPATCHED,
            department=factory.SelfAttribute("category.department"),
            dispatched_at=factory.LazyFunction(timezone.now),
            sign_due_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=4)),
            due_at=factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7)),
        )
        handling = factory.Trait(
            dispatched=True,
            status=Ticket.Status.HANDLING,
            signed_at=factory.LazyFunction(timezone.now),
        )
        closed = factory.Trait(
            handling=True,
            status=Ticket.Status.CLOSED,
            answer="已联系相关单位处理完毕。",
            answered_at=factory.LazyFunction(timezone.now),
            closed_at=factory.LazyFunction(timezone.now),
        )

    number = factory.Sequence(lambda n: f"RX{timezone.localdate():%Y%m%d}{n:06d}")
    query_code = factory.LazyFunction(lambda: secrets.token_hex(4).upper())
    kind = TicketKind.COMPLAINT
    channel = "phone"
    category = factory.SubFactory(CategoryFactory)
    title = "夜间施工噪音扰民"
    description = "江岸区某工地连续多晚22点后施工，噪音很大，影响休息，请尽快处理。"
    caller_name = "张先生"
    caller_phone = "13800138000"
    caller_phone_index = factory.LazyAttribute(
        lambda o: blind_index(o.caller_phone, purpose=PHONE_INDEX_PURPOSE) if o.caller_phone else ""
    )
    address = "武汉市江岸区解放大道1000号"
    received_at = factory.LazyFunction(timezone.now)
