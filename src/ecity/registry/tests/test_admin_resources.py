"""Admin pages maintain catalogue entries through the services: drafts, review, versions."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.registry.models import Resource

pytestmark = pytest.mark.django_db


def _form(metadata, **overrides):
    data = {
        "code": "990100-GAJ-0001",
        "name": "人口基础信息",
        "name_en": "Population base information",
        "provider": metadata["police"].pk,
        "summary": "本市户籍人口的身份信息。",
        "summary_en": "",
        "category": "base",
        "format": "database",
        "format_detail": "",
        "share_type": "conditional",
        "share_condition": "用于政务服务办理。",
        "share_method": "platform_api",
        "open_type": "not_open",
        "open_condition": "",
        "update_cycle": "daily",
        "code_list": "",
        "items_text": "DE0001 | 身份证号 | | masked\nDE0002\nDE0005 | | not_shared",
        "service_codes": "",
    }
    return {**data, **overrides}


@pytest.fixture
def police_admin(client, people):
    user = people["police_admin"]
    user.is_staff = True
    user.save()
    client.force_login(user)
    return user


def test_department_admin_drafts_a_resource_with_items_in_the_form(client, metadata, police_admin):
    response = client.post(reverse("admin:registry_resource_add"), _form(metadata))

    assert response.status_code == 302
    resource = Resource.objects.get(code="990100-GAJ-0001")
    items = [
        (i.data_element.identifier, i.name, i.share_type, i.is_masked_for_staff)
        for i in resource.items.order_by("order")
    ]
    assert items == [
        ("DE0001", "身份证号", None, True),
        ("DE0002", "", None, False),
        ("DE0005", "", "not_shared", False),
    ]
    assert AuditEntry.objects.get(action="registry.resource_saved").actor == police_admin


def test_an_unknown_data_element_line_is_shown_on_the_form(client, metadata, police_admin):
    response = client.post(
        reverse("admin:registry_resource_add"), _form(metadata, items_text="DE0001\nDE9999")
    )
    assert response.status_code == 200
    assert "DE9999" in response.content.decode()
    assert not Resource.objects.exists()


def test_department_admin_cannot_give_a_resource_to_another_department(
    client, metadata, police_admin
):
    response = client.post(
        reverse("admin:registry_resource_add"), _form(metadata, provider=metadata["market"].pk)
    )
    assert response.status_code == 200  # re-displayed: the market regulator is not a choice
    assert not Resource.objects.exists()


def test_submit_then_a_platform_admin_returns_it_with_a_reason(
    client, metadata, people, police_admin
):
    client.post(reverse("admin:registry_resource_add"), _form(metadata))
    resource = Resource.objects.get()
    changelist = reverse("admin:registry_resource_changelist")
    client.post(changelist, {"action": "submit", ACTION_CHECKBOX_NAME: [resource.pk]})
    resource.refresh_from_db()
    assert resource.status == "in_review"

    reviewer = people["reviewer"]
    reviewer.is_staff = True
    reviewer.save()
    client.force_login(reviewer)
    asked = client.post(
        changelist, {"action": "return_to_provider", ACTION_CHECKBOX_NAME: [resource.pk]}
    )
    assert asked.status_code == 200 and "990100-GAJ-0001" in asked.content.decode()
    client.post(
        changelist,
        {
            "action": "return_to_provider",
            ACTION_CHECKBOX_NAME: [resource.pk],
            "apply": "1",
            "reason": "请补充住址信息项。",
        },
    )

    resource.refresh_from_db()
    assert (resource.status, resource.review_note) == ("draft", "请补充住址信息项。")


@pytest.mark.parametrize("url", ["admin:registry_resource_add", "admin:registry_subjectterm_add"])
def test_admin_forms_use_plain_multiple_selects_without_the_filter_widget(
    client, metadata, people, url
):
    # The filter widget's script puts an aria-label on a span without a role, which screen
    # readers ignore and axe reports as serious (seen in the sharing journey).
    user = people["reviewer"]
    user.is_staff = True
    user.save()
    client.force_login(user)

    response = client.get(reverse(url))

    assert response.status_code == 200
    html = response.content.decode()
    assert "selectfilter" not in html.lower()
    assert "SelectFilter2.js" not in html


def test_only_reviewers_are_offered_the_review_actions(client, metadata, people, police_admin):
    # A department's data administrator was offered "publish" and "return", which always
    # failed for them (seen in the sharing journey).
    client.post(reverse("admin:registry_resource_add"), _form(metadata))
    changelist = reverse("admin:registry_resource_changelist")
    provider_page = client.get(changelist)
    reviewer = people["reviewer"]
    reviewer.is_staff = True
    reviewer.save()
    client.force_login(reviewer)
    reviewer_page = client.get(changelist)

    assert provider_page.status_code == 200 and reviewer_page.status_code == 200
    provider_html, reviewer_html = provider_page.content.decode(), reviewer_page.content.decode()
    assert 'value="submit"' in provider_html
    assert 'value="publish"' not in provider_html
    assert 'value="return_to_provider"' not in provider_html
    assert 'value="publish"' in reviewer_html and 'value="return_to_provider"' in reviewer_html
