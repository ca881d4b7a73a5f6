"""The proactive-disclosure catalogue: publish/withdraw upsert, service catalogue, pages, feeds."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ecity.core.events import PublishedEvent
from ecity.core.models import OutboxEvent
from ecity.disclosure.handlers import approval_result_publish
from ecity.disclosure.models import CatalogueEntry, Category
from ecity.disclosure.search_documents import load
from ecity.disclosure.services.catalogue import catalogue_entry_publish, catalogue_entry_withdraw
from ecity.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def publish(department, **overrides):
    values = {
        "source": "cms",
        "key": "page-17",
        "department": department,
        "category": Category.REGULATIONS,
        "title": "示范市生活垃圾分类管理办法",
        "url": "/cms/policies/17/",
        "published_at": timezone.now(),
        "document_number": "示府规〔2026〕3号",
    }
    values.update(overrides)
    return catalogue_entry_publish(**values)


def test_publish_twice_updates_the_same_entry_and_withdraw_removes_it():
    department, other = DepartmentFactory(), DepartmentFactory()
    first = publish(department, source="cases")
    again = publish(
        other,
        source="cases",
        title="示范市生活垃圾分类管理办法（修订）",
        category=Category.KEY_AREAS,
    )
    assert again.pk == first.pk
    assert CatalogueEntry.objects.count() == 1
    entry = CatalogueEntry.objects.get()
    assert (entry.title, entry.department, entry.category) == (
        "示范市生活垃圾分类管理办法（修订）",
        other,
        Category.KEY_AREAS,
    )
    # the search index was scheduled, and the document is findable while published
    assert OutboxEvent.objects.filter(name="search.reindex").exists()
    assert load([str(entry.pk)])[str(entry.pk)].title == entry.title
    assert catalogue_entry_withdraw(source="cases", key="page-17") is True
    assert CatalogueEntry.objects.count() == 0
    assert load([str(entry.pk)]) == {}
    assert catalogue_entry_withdraw(source="cases", key="page-17") is False


def test_publish_refuses_an_unknown_category():
    from ecity.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        publish(DepartmentFactory(), category="gossip", title="")
    assert set(refused.value.fields) == {"category", "title"}


def test_approved_enterprise_case_enters_the_licensing_category_once():
    department = DepartmentFactory(code="MKT")
    data = {
        "case": {
            "number": "SP-2026-000123",
            "outcome": "approved",
            "decided_at": "2026-03-02T10:00:00+08:00",
        },
        "applicant": {"kind": "enterprise", "legal_entity_name": ""},
        "enterprise": {"name": "示范市味道餐饮有限公司", "uscc": "91110105MA0000000X"},
        "service": {"item_code": "FOOD-001", "name_zh": "食品经营许可"},
        "department": {"code": "MKT"},
    }
    event = PublishedEvent(
        name="case.decided",
        subject="case",
        data=data,
        key="k",
        public_id="p",
        published_at=timezone.now(),
    )
    approval_result_publish(event)
    approval_result_publish(event)
    entry = CatalogueEntry.objects.get()
    assert entry.category == Category.PERMITS_PENALTIES
    assert entry.department == department
    assert entry.title == "食品经营许可：示范市味道餐饮有限公司"
    # a citizen's approval stays out (personal data)
    person = {**data, "enterprise": None, "case": {**data["case"], "number": "SP-2"}}
    approval_result_publish(PublishedEvent(**{**event.__dict__, "data": person}))
    assert CatalogueEntry.objects.count() == 1


def test_department_catalogue_as_html_json_and_rss_filtered_by_category(client):
    department = DepartmentFactory(code="ENV", name_zh="示范市生态环境局")
    publish(department, published_at=timezone.now() - dt.timedelta(days=1))
    publish(department, key="page-18", title="2026年部门预算", category=Category.BUDGETS)
    page = client.get(reverse("disclosure:department", kwargs={"code": "ENV"}))
    assert page.status_code == 200
    assert "示范市生活垃圾分类管理办法" in page.content.decode()
    budgets = client.get(
        reverse("disclosure:department_json", kwargs={"code": "ENV"}), {"category": "budgets"}
    )
    body = json.loads(budgets.content)
    assert [r["title"] for r in body["results"]] == ["2026年部门预算"]
    assert body["count"] == 1
    rss = client.get(reverse("disclosure:department_rss", kwargs={"code": "ENV"}))
    assert rss["Content-Type"].startswith("application/rss+xml")
    text = rss.content.decode()
    assert text.index("2026年部门预算") < text.index("示范市生活垃圾分类管理办法")


def test_service_catalogue_sync_adds_items_once_and_withdraws_unpublished_ones():
    from ecity.catalogue.tests.factories import published_item
    from ecity.disclosure.services.catalogue import catalogue_services_sync

    item = published_item(name_zh="食品经营许可")
    assert catalogue_services_sync() == 1
    assert catalogue_services_sync() == 0
    entry = CatalogueEntry.objects.get(source="catalogue")
    assert (entry.title, entry.category, entry.department) == (
        "食品经营许可",
        Category.PERMITS_PENALTIES,
        item.department,
    )
    item.is_active = False
    item.save()
    assert catalogue_services_sync() == 1
    assert not CatalogueEntry.objects.exists()


def test_followers_of_a_departments_catalogue_hear_of_new_items_not_of_edits(client):
    from ecity.identity.tests.factories import UserFactory
    from ecity.notify.models import Notification
    from ecity.notify.subscriptions import subscription_create_for, topic_items_fan_out

    department = DepartmentFactory(code="SJ-FOLLOW", name_zh="示范市生态环境局")
    topic = f"disclosure.department:{department.code}"
    page = client.get(reverse("disclosure:department", kwargs={"code": department.code}))
    assert "topic=disclosure.department%3ASJ-FOLLOW" in page.content.decode()  # a Follow link
    follower = UserFactory(username="follower")
    subscription_create_for(user=follower, topic=topic, channel="in_app", frequency="immediate")

    publish(department, title="2026年环境质量公报")
    publish(department, title="2026年环境质量公报（更正）")  # the same item edited
    topic_items_fan_out()

    (message,) = Notification.objects.filter(recipient=follower, event="subscription_update")
    assert "2026年环境质量公报" in message.subject
    assert "示范市生态环境局" in message.body


def test_search_offers_an_entry_once_not_again_beside_the_page_or_service_it_mirrors():
    import ecity.cms.services.announcing  # noqa: F401 - declares its entries searched elsewhere
    from ecity.search.selectors import search_query
    from ecity.search.services import source_rebuild

    department = DepartmentFactory(code="SCJ")
    publish(department, source="cms", key="17", title="示范市食品摊贩管理办法")
    publish(department, source="catalogue", key="SCJ-XK-001", title="食品经营许可")
    publish(
        department,
        source="cases",
        key="SCJ-2026-000001",
        title="食品经营许可：示范市云帆餐饮有限公司",
        category=Category.PERMITS_PENALTIES,
    )

    source_rebuild(source="disclosure.entry")

    # the page and the service are their own sources' documents; an approval result only here
    found = search_query(q="食品", kinds=["disclosure"])
    assert [hit.title for hit in found.hits] == ["食品经营许可：示范市云帆餐饮有限公司"]
