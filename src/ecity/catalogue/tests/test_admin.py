"""Admin: departments maintain items; published versions are read-only; actions call services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.catalogue.models import ServiceItemVersion
from ecity.catalogue.tests.factories import (
    MaterialFactory,
    VersionFactory,
    department_admin,
    published_item,
)
from ecity.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

Status = ServiceItemVersion.Status


def _change_url(version):
    return reverse("admin:catalogue_serviceitemversion_change", args=[version.pk])


def test_published_version_is_read_only_in_admin(admin_client):
    item = published_item(name_zh="已发布名称")
    version = item.current_version
    MaterialFactory(version=version, name_zh="身份证")

    page = admin_client.get(_change_url(version))
    post = admin_client.post(_change_url(version), {"name_zh": "篡改"})

    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="name_zh"' not in body
    assert 'name="materials-0-name_zh"' not in body
    assert "已发布名称" in body and "身份证" in body
    assert post.status_code == 403
    version.refresh_from_db()
    assert version.name_zh == "已发布名称"


def test_draft_is_editable_and_bad_form_schema_is_rejected(admin_client):
    draft = VersionFactory()

    page = admin_client.get(_change_url(draft))
    data = {
        "name_zh": "草稿",
        "kind": "public_service",
        "form_schema": '{"type": "object", "properties": {"a": {"type": "blob"}}}',
        "for_g2c": "on",
        "statutory_days": "5",
        "committed_days": "3",
        "is_online": "on",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "locations-TOTAL_FORMS": "0",
        "locations-INITIAL_FORMS": "0",
        "faqs-TOTAL_FORMS": "0",
        "faqs-INITIAL_FORMS": "0",
    }
    response = admin_client.post(_change_url(draft), data)

    assert 'name="name_zh"' in page.content.decode()
    assert response.status_code == 200
    assert "blob" in response.content.decode()
    draft.refresh_from_db()
    assert draft.name_zh != "草稿"


def test_publish_action_publishes_draft_and_supersedes_previous(admin_client):
    item = published_item()
    draft = VersionFactory(item=item, number=2, name_zh="第二版")

    admin_client.post(
        reverse("admin:catalogue_serviceitemversion_changelist"),
        {"action": "publish_draft", "_selected_action": [draft.pk]},
    )

    item.refresh_from_db()
    assert item.current_version == draft
    assert item.versions.get(number=1).status == Status.SUPERSEDED


def test_create_draft_action_copies_version(admin_client):
    item = published_item()
    MaterialFactory(version=item.current_version, name_zh="户口簿")

    admin_client.post(
        reverse("admin:catalogue_serviceitemversion_changelist"),
        {"action": "create_draft", "_selected_action": [item.current_version.pk]},
    )

    draft = item.versions.get(status=Status.DRAFT)
    assert draft.number == 2
    assert [m.name_zh for m in draft.materials.all()] == ["户口簿"]


def test_department_admin_sees_only_own_department_items(client):
    department = DepartmentFactory()
    own = published_item(item__department=department)
    other = published_item()
    user = department_admin(department)
    user.is_staff = True
    user.save()
    client.force_login(user)

    listing_response = client.get(reverse("admin:catalogue_serviceitem_changelist"))
    other_page = client.get(reverse("admin:catalogue_serviceitem_change", args=[other.pk]))

    assert listing_response.status_code == 200
    listing = listing_response.content.decode()
    assert own.code in listing
    assert other.code not in listing
    assert other_page.status_code == 302
    assert other_page["Location"] == reverse("admin:index")


def test_adding_item_in_admin_creates_first_draft(admin_client):
    department = DepartmentFactory()

    admin_client.post(
        reverse("admin:catalogue_serviceitem_add"),
        {
            "code": "NEW-1",
            "department": department.pk,
            "is_active": "on",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )

    version = ServiceItemVersion.objects.get(item__code="NEW-1")
    assert (version.number, version.status) == (1, Status.DRAFT)


def test_deactivating_an_item_in_admin_takes_it_out_of_search_at_once_and_is_audited(
    admin_client, django_capture_on_commit_callbacks
):
    from ecity.audit.models import AuditEntry
    from ecity.search.selectors import search_query
    from ecity.search.services import source_rebuild

    item = published_item(name_zh="食品经营许可")
    source_rebuild(source="catalogue.service")
    assert search_query(q="食品经营许可").total == 1
    url = reverse("admin:catalogue_serviceitem_change", args=[item.pk])
    form = {"versions-TOTAL_FORMS": "1", "versions-INITIAL_FORMS": "1"}
    form["versions-0-id"] = str(item.current_version.pk)
    form["versions-0-item"] = str(item.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form)  # "is_active" unticked

    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.is_active
    assert search_query(q="食品经营许可").total == 0  # not only at the nightly rebuild
    entry = AuditEntry.objects.get(action="catalogue.item_deactivated")
    assert entry.data["item"] == item.code

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, {**form, "is_active": "on"})

    assert search_query(q="食品经营许可").total == 1
    assert AuditEntry.objects.filter(action="catalogue.item_reactivated").count() == 1
