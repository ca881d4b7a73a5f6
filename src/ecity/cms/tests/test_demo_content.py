"""The demo city's sub-site content: deterministic, idempotent, published like an editor's."""

from __future__ import annotations

import pytest

from ecity.cms.models import IntegrityRecord, NewsPage, PolicyPage
from ecity.demo.services.content import (
    NEWS_PER_DEPARTMENT,
    NOTICES_PER_DEPARTMENT,
    POLICIES_PER_DEPARTMENT,
    demo_content_ensure,
)
from ecity.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_demo_content_gives_each_department_a_sub_site_with_published_pages(client):
    DepartmentFactory(code="SCJ", name_zh="示范市市场监督管理局", phone="0999-88012315")

    first = demo_content_ensure()
    again = demo_content_ensure()

    per_department = NEWS_PER_DEPARTMENT + NOTICES_PER_DEPARTMENT + 2 * POLICIES_PER_DEPARTMENT
    assert (first.sites, first.pages) == (1, per_department)
    assert (again.sites, again.pages) == (0, 0)
    news = NewsPage.objects.live().order_by("-first_published_at").first()
    assert news.title in client.get(news.url).content.decode()
    repealed = PolicyPage.objects.get(validity=PolicyPage.Validity.REPEALED)
    assert repealed.replaced_by is not None
    assert IntegrityRecord.objects.filter(page_id=news.pk).exists()
    site_html = client.get("/site/scj/").content.decode()
    assert "0999-88012315" in site_html
