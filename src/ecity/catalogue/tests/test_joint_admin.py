"""Admin of joint applications: the lead department edits drafts; actions call the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.catalogue.models import JointServiceVersion
from ecity.catalogue.tests.factories import department_admin
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def services():
    return restaurant_services()


def _staff(user):
    user.is_staff = True
    user.save()
    return user


def test_the_lead_department_publishes_a_draft_from_the_admin(client, services):
    joint = restaurant_joint(services, publish=False)
    draft = joint.versions.get()
    client.force_login(_staff(services.lead_admin))

    page = client.get(reverse("admin:catalogue_jointserviceversion_change", args=[draft.pk]))
    response = client.post(
        reverse("admin:catalogue_jointserviceversion_changelist"),
        {"action": "publish_draft", "_selected_action": [draft.pk]},
    )

    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="members-0-waiver_note"' in body
    assert 'name="shared_fields-0-targets"' in body
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == JointServiceVersion.Status.PUBLISHED


def test_a_member_department_sees_no_joint_application_it_does_not_lead(client, services):
    joint = restaurant_joint(services, publish=False)
    client.force_login(_staff(department_admin(services.market)))

    listing = client.get(reverse("admin:catalogue_jointserviceversion_changelist"))
    change = client.get(
        reverse("admin:catalogue_jointserviceversion_change", args=[joint.versions.get().pk])
    )

    assert listing.status_code == 200
    assert "开餐馆一件事（测试）" not in listing.content.decode()
    assert change.status_code == 302  # not found among its own: back to the admin index


def test_a_published_version_is_read_only_in_the_admin(client, services):
    joint = restaurant_joint(services)
    client.force_login(_staff(services.lead_admin))
    url = reverse("admin:catalogue_jointserviceversion_change", args=[joint.current_version.pk])

    page = client.get(url)
    post = client.post(url, {"name_zh": "篡改"})

    assert page.status_code == 200
    assert 'name="name_zh"' not in page.content.decode()
    assert post.status_code == 403
    joint.current_version.refresh_from_db()
    assert joint.current_version.name_zh == "开餐馆一件事（测试）"
