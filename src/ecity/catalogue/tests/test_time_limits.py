"""Time limits of a service version are bounded (1 to 3,650 working days) everywhere they enter."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ecity.catalogue import services
from ecity.catalogue.admin import VersionAdminForm
from ecity.catalogue.models import ServiceItemVersion
from ecity.catalogue.tests.factories import VersionFactory, department_admin, platform_admin
from ecity.core.errors import ValidationFailed
from ecity.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/catalogue"


@pytest.mark.parametrize("field", ["statutory_days", "committed_days"])
@pytest.mark.parametrize("days", [10**9, 3651, 0, -1])
def test_service_refuses_a_time_limit_out_of_range(field, days):
    draft = VersionFactory(statutory_days=20, committed_days=5)

    with pytest.raises(ValidationFailed) as caught:
        services.version_draft_update(actor=platform_admin(), version=draft, **{field: days})

    assert list(caught.value.fields) == [field]
    assert "3650" in caught.value.fields[field][0]
    draft.refresh_from_db()
    assert (draft.statutory_days, draft.committed_days) == (20, 5)


def test_service_accepts_the_longest_time_limit():
    draft = VersionFactory(statutory_days=20, committed_days=5)

    services.version_draft_update(
        actor=platform_admin(), version=draft, statutory_days=3650, committed_days=3650
    )

    draft.refresh_from_db()
    assert (draft.statutory_days, draft.committed_days) == (3650, 3650)


def test_api_answers_a_huge_statutory_limit_with_a_field_error_in_chinese(api_client):
    department = DepartmentFactory()
    draft = VersionFactory(item__department=department, statutory_days=20, committed_days=5)
    api_client.force_authenticate(department_admin(department))

    response = api_client.patch(
        f"{BASE}/versions/{draft.public_id}/",
        {"statutory_days": 10**9},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["statutory_days"]
    assert "3650" in body["fields"]["statutory_days"][0]
    assert "工作日" in body["fields"]["statutory_days"][0]
    draft.refresh_from_db()
    assert draft.statutory_days == 20


def test_model_field_refuses_a_huge_limit_with_a_clear_message():
    field = ServiceItemVersion._meta.get_field("statutory_days")

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        field.clean(10**9, VersionFactory.build())

    assert caught.value.messages == ["Enter a time limit from 1 to 3650 working days."]


def test_admin_form_refuses_a_huge_limit():
    draft = VersionFactory(statutory_days=20, committed_days=5)
    form_class = type(
        "Form",
        (VersionAdminForm,),
        {"Meta": type("Meta", (VersionAdminForm.Meta,), {"fields": ["statutory_days"]})},
    )

    form = form_class(data={"statutory_days": str(10**9)}, instance=draft)

    assert not form.is_valid()
    assert "3650" in form.errors["statutory_days"][0]
