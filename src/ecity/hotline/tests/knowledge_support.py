"""Fixtures and helpers of the knowledge-base tests.

``kb`` gives a namespace with the hotline centre (``centre``, code 12345) and its ``dispatcher``;
the city management bureau (``bureau``) with its administrator ``bureau_admin`` and a ticket
handler ``author``; another department (``other``) with its handler ``outsider``; a ``category``
of the bureau; and ``agent``, a hotline agent of the centre.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from ecity.hotline.models import KnowledgeArticle
from ecity.hotline.services.knowledge import (
    ArticleData,
    article_approve,
    article_create,
    article_submit,
)
from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.identity.tests.factories import DepartmentFactory, RegionFactory, StaffRoleFactory
from ecity.org.models import StaffRole

Role = StaffRole.Role


def staff(department, role):
    return StaffRoleFactory(department=department, role=role).user


@pytest.fixture
def kb():
    centre = DepartmentFactory(code="12345", name_zh="12345热线中心")
    bureau = DepartmentFactory(code="CGJ", name_zh="城市管理执法局")
    other = DepartmentFactory(code="SCJ", name_zh="市场监督管理局")
    return SimpleNamespace(
        centre=centre,
        bureau=bureau,
        other=other,
        dispatcher=staff(centre, Role.HOTLINE_DISPATCHER),
        agent=staff(centre, Role.HOTLINE_AGENT),
        bureau_admin=staff(bureau, Role.DEPARTMENT_ADMIN),
        author=staff(bureau, Role.TICKET_HANDLER),
        outsider=staff(other, Role.TICKET_HANDLER),
        category=CategoryFactory(name_zh="噪音扰民", department=bureau),
    )


def data(kb, **overrides) -> ArticleData:
    values = {
        "category": kb.category,
        "title": "施工噪音扰民怎么办",
        "body": "夜间22时至次日6时在居民区施工，须取得夜间施工许可。可拨打12345反映。",
        "keywords": "噪声, 工地",
        "is_public": True,
    }
    values.update(overrides)
    return ArticleData(**values)


def published(kb, *, department=None, author=None, **overrides) -> KnowledgeArticle:
    """An article written by ``kb.author`` (default) and approved by the hotline dispatcher."""
    article = article_create(
        actor=author or kb.author, department=department or kb.bureau, data=data(kb, **overrides)
    )
    article_submit(actor=author or kb.author, article=article)
    return article_approve(actor=kb.dispatcher, article=article)


def days(n: int) -> dt.date:
    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=n)


# Unannotated on purpose: factory_boy's calls are typed as the factory, not the model.
def make_ticket(**fields):
    return TicketFactory(**fields)


def make_region(**fields):
    return RegionFactory(**fields)
