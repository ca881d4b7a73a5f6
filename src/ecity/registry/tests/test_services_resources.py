"""Maintaining the information resource catalogue: drafts, review, publication, versions."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.models import OutboxEvent
from ecity.registry.models import DataElement, Resource, ResourceVersion, ShareType
from ecity.registry.services.metadata import data_element_save_draft
from ecity.registry.services.resources import (
    ResourceItemInput,
    resource_publish,
    resource_return,
    resource_revise,
    resource_save_draft,
    resource_submit,
    resource_withdraw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _items(*identifiers: str, **overrides) -> list[ResourceItemInput]:
    elements = {e.identifier: e for e in DataElement.objects.filter(identifier__in=identifiers)}
    return [
        ResourceItemInput(data_element=elements[i], **overrides.get(i, {})) for i in identifiers
    ]


def _draft_population(actor, police, **changes):
    values = {
        "actor": actor,
        "code": "330100-GA-0001",
        "name": "人口基础信息",
        "name_en": "Population base information",
        "provider": police,
        "summary": "本市户籍和常住人口的身份、姓名、性别、民族、出生日期和住址。",
        "share_type": ShareType.CONDITIONAL,
        "share_condition": "用于政务服务办理和行政执法，按最小必要原则共享。",
        "share_method": "platform_api",
        "update_cycle": "daily",
        "items": _items("DE0001", "DE0002", "DE0005", DE0001={"is_masked_for_staff": True}),
    }
    values.update(changes)
    return resource_save_draft(**values)


def test_department_admin_drafts_and_submits_and_a_platform_admin_publishes(metadata, people):
    # Given a draft of the police's population resource, by its data administrator
    draft = _draft_population(people["police_admin"], metadata["police"])
    assert (draft.status, draft.version) == ("draft", 1)
    assert [i.data_element.identifier for i in draft.items.all()] == ["DE0001", "DE0002", "DE0005"]
    # When it is submitted and a platform administrator publishes it
    resource_submit(actor=people["police_admin"], code="330100-GA-0001")
    published = resource_publish(actor=people["reviewer"], code="330100-GA-0001")
    # Then it is published today, audited at every step, and announced once
    assert (published.status, published.published_on) == ("published", timezone.localdate())
    actions = list(
        AuditEntry.objects.filter(action__startswith="registry.resource_").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "registry.resource_published",
        "registry.resource_saved",
        "registry.resource_submitted",
    ]
    event = OutboxEvent.objects.get(name="registry.resource_changed")
    assert event.subject == f"registry.resource:{published.public_id}"


def test_a_department_admin_cannot_maintain_another_departments_resource(metadata, people):
    with pytest.raises(PermissionDenied):
        _draft_population(people["market_admin"], metadata["police"])
    assert not Resource.objects.exists()


def test_a_department_admin_cannot_publish_and_the_submitter_cannot_review_himself(
    metadata, people
):
    _draft_population(people["reviewer"], metadata["police"])
    resource_submit(actor=people["reviewer"], code="330100-GA-0001")
    with pytest.raises(PermissionDenied):
        resource_publish(actor=people["police_admin"], code="330100-GA-0001")
    with pytest.raises(PermissionDenied):
        resource_publish(actor=people["reviewer"], code="330100-GA-0001")
    assert resource_publish(actor=people["other_reviewer"], code="330100-GA-0001").status == (
        "published"
    )


def test_a_returned_resource_is_a_draft_again_with_the_reviewers_reason(metadata, people):
    _draft_population(people["police_admin"], metadata["police"])
    resource_submit(actor=people["police_admin"], code="330100-GA-0001")
    with pytest.raises(ValidationFailed) as no_reason:
        resource_return(actor=people["reviewer"], code="330100-GA-0001", reason=" ")
    assert "reason" in no_reason.value.fields

    returned = resource_return(
        actor=people["reviewer"], code="330100-GA-0001", reason="信息项缺少住址。"
    )

    assert (returned.status, returned.review_note) == ("draft", "信息项缺少住址。")
    entry = AuditEntry.objects.get(action="registry.resource_returned")
    assert entry.reason == "信息项缺少住址。"
    # and the provider can change it again
    changed = _draft_population(
        people["police_admin"],
        metadata["police"],
        items=_items("DE0001", "DE0002", "DE0005", "DE0006"),
    )
    assert changed.items.count() == 4 and changed.review_note == ""


def test_sharing_rules_of_the_guide_are_checked_field_by_field(metadata, people):
    with pytest.raises(ValidationFailed) as error:
        _draft_population(
            people["police_admin"],
            metadata["police"],
            share_condition="",
            share_method="",
            open_type="open",
            items=[],
        )
    assert set(error.value.fields) == {"share_condition", "share_method", "items"}

    with pytest.raises(ValidationFailed) as not_shared_but_open:
        _draft_population(
            people["police_admin"],
            metadata["police"],
            share_type=ShareType.NOT_SHARED,
            share_condition="涉及国家秘密，依据《保守国家秘密法》不予共享。",
            open_type="open",
        )
    assert set(not_shared_but_open.value.fields) == {"open_type"}


def test_items_must_be_bound_to_distinct_data_elements_in_force(metadata, people):
    draft_element = data_element_save_draft(actor=None, identifier="DE0900", name="草稿数据元")
    items = [*_items("DE0001", "DE0001"), ResourceItemInput(data_element=draft_element)]
    with pytest.raises(ValidationFailed) as error:
        _draft_population(people["police_admin"], metadata["police"], items=items)
    assert error.value.fields["items"] == [
        "Item 2: data element DE0001 is already an item.",
        "Item 3: data element DE0900 is not in force.",
    ]


def test_unknown_service_item_codes_are_refused(metadata, people):
    with pytest.raises(ValidationFailed) as error:
        _draft_population(
            people["police_admin"], metadata["police"], service_codes=["NO-SUCH-SERVICE"]
        )
    assert error.value.fields["service_codes"] == ["Unknown service items: NO-SUCH-SERVICE."]


def _published(metadata, people):
    _draft_population(people["police_admin"], metadata["police"])
    resource_submit(actor=people["police_admin"], code="330100-GA-0001")
    return resource_publish(actor=people["reviewer"], code="330100-GA-0001")


def test_a_published_resource_is_changed_only_through_a_new_version(metadata, people):
    # Given a published resource
    live = _published(metadata, people)
    item_keys = dict(live.items.values_list("data_element__identifier", "pk"))
    # Then it cannot be edited in place
    with pytest.raises(Conflict):
        _draft_population(people["police_admin"], metadata["police"], name="改名")
    # When a revision is opened, changed, submitted and published
    revision = resource_revise(actor=people["police_admin"], code="330100-GA-0001")
    assert (revision.version, revision.status, revision.revision_of_id) == (2, "draft", live.pk)
    _draft_population(
        people["police_admin"],
        metadata["police"],
        name="人口基础信息（含住址）",
        items=_items("DE0001", "DE0002", "DE0006"),
    )
    # the live entry is unchanged meanwhile
    live.refresh_from_db()
    assert (live.name, live.version, live.status) == ("人口基础信息", 1, "published")
    resource_submit(actor=people["police_admin"], code="330100-GA-0001")
    published = resource_publish(actor=people["reviewer"], code="330100-GA-0001")
    # Then the live entry keeps its key and its kept items' keys, and has the new content
    assert published.pk == live.pk
    assert (published.name, published.version) == ("人口基础信息（含住址）", 2)
    items = dict(published.items.values_list("data_element__identifier", "pk"))
    assert set(items) == {"DE0001", "DE0002", "DE0006"}
    assert items["DE0001"] == item_keys["DE0001"]
    assert Resource.objects.filter(code="330100-GA-0001").count() == 1
    # and version 1 is kept as it was published
    old = ResourceVersion.objects.get(resource=published)
    assert old.version == 1 and old.content["name"] == "人口基础信息"
    assert [i["data_element"] for i in old.content["items"]] == ["DE0001", "DE0002", "DE0005"]


def test_a_second_revision_is_refused_while_one_is_open(metadata, people):
    _published(metadata, people)
    resource_revise(actor=people["police_admin"], code="330100-GA-0001")
    with pytest.raises(Conflict):
        resource_revise(actor=people["police_admin"], code="330100-GA-0001")


def test_withdrawing_needs_a_reason_and_drops_an_open_revision(metadata, people):
    _published(metadata, people)
    resource_revise(actor=people["police_admin"], code="330100-GA-0001")
    with pytest.raises(ValidationFailed):
        resource_withdraw(actor=people["police_admin"], code="330100-GA-0001", reason="")

    withdrawn = resource_withdraw(
        actor=people["police_admin"], code="330100-GA-0001", reason="并入人口综合库。"
    )

    assert withdrawn.status == "withdrawn"
    assert Resource.objects.filter(code="330100-GA-0001").count() == 1
    assert OutboxEvent.objects.filter(name="registry.resource_changed").count() == 2
