"""Versioning rules: drafts, publishing, immutability, permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.catalogue import selectors, services
from ecity.catalogue.models import LifeEvent, ServiceItemVersion, Theme
from ecity.catalogue.tests.factories import (
    APPLICATION_SCHEMA,
    FAQFactory,
    LocationFactory,
    MaterialFactory,
    ThemeFactory,
    VersionFactory,
    department_admin,
    platform_admin,
    published_item,
)
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = ServiceItemVersion.Status

COMPLETE = {
    "name_zh": "企业设立登记",
    "name_en": "Company registration",
    "kind": "licensing",
    "legal_basis": "《公司法》",
    "conditions": "有符合规定的名称。",
    "statutory_days": 15,
    "committed_days": 3,
    "audiences": ["g2b"],
    "form_schema": APPLICATION_SCHEMA,
}


def test_item_create_makes_item_with_draft_version_one():
    department = DepartmentFactory()
    admin = department_admin(department)

    item = services.item_create(actor=admin, code="QY-001", department=department, **COMPLETE)

    draft = item.versions.get()
    assert (draft.number, draft.status, draft.name_zh) == (1, Status.DRAFT, "企业设立登记")
    assert draft.audiences == ["g2b"]
    assert item.current_version is None


def test_item_create_by_admin_of_other_department_is_denied():
    admin = department_admin(DepartmentFactory())

    with pytest.raises(PermissionDenied):
        services.item_create(actor=admin, code="X-1", department=DepartmentFactory(), **COMPLETE)


def test_publishing_first_draft_makes_it_current():
    department = DepartmentFactory()
    admin = department_admin(department)
    item = services.item_create(actor=admin, code="QY-002", department=department, **COMPLETE)

    version = services.version_publish(actor=admin, version=item.versions.get())

    item.refresh_from_db()
    assert item.current_version == version
    assert version.status == Status.PUBLISHED
    assert version.published_by == admin
    assert version.published_at is not None


def test_publishing_new_draft_supersedes_old_version_which_stays_readable():
    item = published_item(name_zh="旧名称")
    admin = platform_admin()
    old = item.current_version

    draft = services.version_draft_create(actor=admin, item=item)
    services.version_draft_update(actor=admin, version=draft, name_zh="新名称")
    services.version_publish(actor=admin, version=draft)

    item.refresh_from_db()
    old.refresh_from_db()
    assert item.current_version.name_zh == "新名称"
    assert item.current_version.number == 2
    assert old.status == Status.SUPERSEDED
    assert selectors.version_get_public(item=item, number=1).name_zh == "旧名称"
    assert [v.number for v in selectors.version_list(item=item)] == [2, 1]


def test_draft_copies_materials_locations_faqs_themes_and_life_events():
    theme = ThemeFactory()
    item = published_item(themes=[theme])
    source = item.current_version
    MaterialFactory(version=source, name_zh="身份证")
    LocationFactory(version=source, name="东区中心")
    FAQFactory(version=source, question="几天办结？")

    draft = services.version_draft_create(actor=platform_admin(), item=item)

    assert [m.name_zh for m in draft.materials.all()] == ["身份证"]
    assert [loc.name for loc in draft.locations.all()] == ["东区中心"]
    assert [f.question for f in draft.faqs.all()] == ["几天办结？"]
    assert list(draft.themes.all()) == [theme]
    assert source.materials.count() == 1
    assert draft.public_id != source.public_id


def test_only_one_draft_at_a_time():
    item = published_item()
    admin = platform_admin()
    services.version_draft_create(actor=admin, item=item)

    with pytest.raises(Conflict) as caught:
        services.version_draft_create(actor=admin, item=item)

    assert caught.value.code == "draft_exists"


def test_published_version_cannot_be_updated():
    item = published_item(name_zh="原名")

    with pytest.raises(Conflict) as caught:
        services.version_draft_update(
            actor=platform_admin(), version=item.current_version, name_zh="篡改"
        )

    assert caught.value.code == "version_immutable"
    item.current_version.refresh_from_db()
    assert item.current_version.name_zh == "原名"


def test_published_version_cannot_be_published_again_or_discarded():
    item = published_item()
    admin = platform_admin()

    with pytest.raises(Conflict):
        services.version_publish(actor=admin, version=item.current_version)
    with pytest.raises(Conflict):
        services.version_discard_draft(actor=admin, version=item.current_version)


def test_publish_rejects_incomplete_draft_with_field_errors():
    draft = VersionFactory(legal_basis="", statutory_days=5, committed_days=5, for_g2c=False)

    with pytest.raises(ValidationFailed) as caught:
        services.version_publish(actor=platform_admin(), version=draft)

    assert set(caught.value.fields) == {"legal_basis", "audiences"}
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_publish_rejects_invalid_form_schema():
    draft = VersionFactory(form_schema={"type": "object", "properties": {"a": {"type": "file"}}})

    with pytest.raises(ValidationFailed) as caught:
        services.version_publish(actor=platform_admin(), version=draft)

    assert "form_schema" in caught.value.fields


def test_update_rejects_committed_longer_than_statutory():
    draft = VersionFactory(statutory_days=10, committed_days=5)

    with pytest.raises(ValidationFailed) as caught:
        services.version_draft_update(actor=platform_admin(), version=draft, committed_days=12)

    assert list(caught.value.fields) == ["committed_days"]


def test_update_rejects_invalid_form_schema_and_unknown_fields():
    draft = VersionFactory()
    admin = platform_admin()

    with pytest.raises(ValidationFailed) as schema_error:
        services.version_draft_update(actor=admin, version=draft, form_schema={"type": "array"})
    with pytest.raises(ValidationFailed) as field_error:
        services.version_draft_update(actor=admin, version=draft, status="published")

    assert "form_schema" in schema_error.value.fields
    assert "status" in field_error.value.fields


def test_update_replaces_materials_and_sets_themes_by_code():
    theme = ThemeFactory(code="shengyu")
    draft = VersionFactory()

    services.version_draft_update(
        actor=platform_admin(),
        version=draft,
        themes=["shengyu"],
        materials=[{"name_zh": "出生医学证明", "form": "original_and_copy", "copies": 2}],
    )

    material = draft.materials.get()
    assert (material.name_zh, material.copies, material.sort_order) == ("出生医学证明", 2, 0)
    assert list(draft.themes.all()) == [theme]


def test_discarding_draft_keeps_published_version():
    item = published_item()
    admin = platform_admin()
    draft = services.version_draft_create(actor=admin, item=item)

    services.version_discard_draft(actor=admin, version=draft)

    assert list(item.versions.values_list("number", flat=True)) == [1]


def test_department_admin_may_edit_own_items_only():
    own = published_item()
    other = published_item()
    admin = department_admin(own.department)

    draft = services.version_draft_create(actor=admin, item=own)
    with pytest.raises(PermissionDenied):
        services.version_draft_create(actor=admin, item=other)

    assert draft.number == 2


def test_citizen_cannot_create_drafts():
    with pytest.raises(PermissionDenied):
        services.version_draft_create(actor=UserFactory(), item=published_item())


# --- importing a catalogue with its history; themes and life events ---------------------


def test_publishing_with_a_past_date_keeps_the_history_in_order():
    department = DepartmentFactory()
    admin = department_admin(department)
    item = services.item_create(actor=admin, code="QY-010", department=department, **COMPLETE)
    first_on = timezone.make_aware(dt.datetime(2023, 3, 1, 9, 30))
    second_on = timezone.make_aware(dt.datetime(2024, 6, 1, 9, 30))

    # When version 1 and version 2 are published with the dates of the old system
    v1 = services.version_publish(actor=admin, version=item.versions.get(), published_at=first_on)
    draft = services.version_draft_create(actor=admin, item=item)
    v2 = services.version_publish(actor=admin, version=draft, published_at=second_on)

    # Then
    v1.refresh_from_db()
    assert (v1.status, v1.published_at) == (Status.SUPERSEDED, first_on)
    assert (v2.status, v2.published_at, v2.published_by) == (Status.PUBLISHED, second_on, admin)


def test_a_publication_date_in_the_future_or_before_the_last_one_is_refused():
    item = published_item()
    admin = platform_admin()
    last = item.current_version.published_at
    draft = services.version_draft_create(actor=admin, item=item)

    for published_at in (timezone.now() + dt.timedelta(days=1), last - dt.timedelta(days=1)):
        with pytest.raises(ValidationFailed) as excinfo:
            services.version_publish(actor=admin, version=draft, published_at=published_at)
        assert list(excinfo.value.fields) == ["published_at"]

    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    item.refresh_from_db()
    assert item.current_version.published_at == last


@pytest.mark.parametrize(
    ("ensure", "model"),
    [(services.theme_ensure, Theme), (services.life_event_ensure, LifeEvent)],
)
def test_topics_are_created_then_refreshed_by_code(ensure, model):
    admin = platform_admin()

    topic, created = ensure(
        actor=admin, code="market-access", audience="g2b", name_zh="市场准入", sort_order=10
    )
    again, created_again = ensure(
        actor=admin,
        code="market-access",
        audience="g2b",
        name_zh=" 市场准入 ",
        name_en="Market access",
        description_zh="开办企业。",
        sort_order=20,
    )

    assert (created, created_again, again.pk) == (True, False, topic.pk)
    topic.refresh_from_db()
    assert (topic.name_zh, topic.name_en, topic.description_zh, topic.sort_order) == (
        "市场准入",
        "Market access",
        "开办企业。",
        20,
    )
    assert model.objects.count() == 1


def test_topics_are_validated_and_kept_to_platform_admins():
    admin = platform_admin()

    with pytest.raises(ValidationFailed) as excinfo:
        services.theme_ensure(actor=admin, code="not a slug", audience="g2x", name_zh="")
    assert set(excinfo.value.fields) == {"code", "audience", "name_zh"}

    with pytest.raises(PermissionDenied):
        services.life_event_ensure(
            actor=department_admin(DepartmentFactory()),
            code="birth",
            audience="g2c",
            name_zh="出生",
        )
    assert not Theme.objects.exists() and not LifeEvent.objects.exists()


def test_publishing_a_version_leaves_one_audit_entry():
    # given an item with a published version and a new draft
    item = published_item(name_zh="旧名称")
    admin = platform_admin()
    draft = services.version_draft_create(actor=admin, item=item)

    # when the administrator publishes the draft
    services.version_publish(actor=admin, version=draft)

    # then exactly one entry records who published which version, replacing which
    (entry,) = AuditEntry.objects.filter(action="catalogue.version_published", actor=admin)
    assert (entry.object_type, entry.object_id) == (
        "catalogue.serviceitemversion",
        str(draft.public_id),
    )
    assert entry.subject_id is None
    assert entry.data == {
        "item": item.code,
        "version": 2,
        "department": item.department.code,
        "superseded": [1],
    }


def test_a_rolled_back_publication_leaves_no_audit_entry():
    # given a complete draft
    department = DepartmentFactory()
    admin = department_admin(department)
    item = services.item_create(actor=admin, code="QY-009", department=department, **COMPLETE)

    # when the publication's transaction rolls back
    with pytest.raises(RuntimeError), transaction.atomic():
        services.version_publish(actor=admin, version=item.versions.get())
        raise RuntimeError("the surrounding transaction fails")

    # then the version is still a draft and the trail holds no publication
    assert item.versions.get().status == Status.DRAFT
    assert not AuditEntry.objects.filter(action="catalogue.version_published").exists()


def test_a_refused_publication_leaves_no_audit_entry():
    item = published_item()
    with pytest.raises(Conflict):
        services.version_publish(actor=platform_admin(), version=item.current_version)
    assert not AuditEntry.objects.filter(action="catalogue.version_published").exists()
