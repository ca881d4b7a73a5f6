"""Admin pages maintain data elements and subject terms through the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole
from ecity.registry.models import DataElement, SubjectTerm
from ecity.registry.services.metadata import data_element_save_draft

pytestmark = pytest.mark.django_db


def _element_form(**overrides):
    data = {
        "identifier": "DE0700",
        "name": "注册资本",
        "name_en": "Registered capital",
        "definition": "",
        "data_type": "decimal",
        "format": "n..18,2",
        "pattern": "",
        "code_list": "",
        "check_rule": "",
        "unit": "万元",
        "authority": "",
        "synonyms": "注册资金\n资本",
    }
    return {**data, **overrides}


def test_department_admin_adds_a_draft_for_their_department_audited(client):
    market = DepartmentFactory(code="SCJ")
    admin = StaffRoleFactory(department=market, role=StaffRole.Role.DEPARTMENT_ADMIN).user
    admin.is_staff = True
    admin.save()
    client.force_login(admin)

    refused = client.post(reverse("admin:registry_dataelement_add"), _element_form(authority=""))
    response = client.post(
        reverse("admin:registry_dataelement_add"), _element_form(authority=market.pk)
    )

    assert refused.status_code == 200  # re-displayed with the error
    assert "errorlist" in refused.content.decode()
    assert response.status_code == 302
    element = DataElement.objects.get(identifier="DE0700")
    assert (element.status, element.authority, element.synonyms) == (
        "draft",
        market,
        ["注册资金", "资本"],
    )
    assert AuditEntry.objects.get(action="registry.data_element_saved").actor == admin


def test_put_in_force_and_withdraw_actions_call_the_services(admin_client):
    element = data_element_save_draft(actor=None, identifier="DE0701", name="曾用名")
    url = reverse("admin:registry_dataelement_changelist")

    admin_client.post(url, {"action": "put_in_force", "_selected_action": [element.pk]})
    element.refresh_from_db()
    assert element.status == "in_force"

    asked = admin_client.post(url, {"action": "withdraw", "_selected_action": [element.pk]})
    assert asked.status_code == 200
    assert "reason" in asked.content.decode()
    admin_client.post(
        url,
        {"action": "withdraw", "_selected_action": [element.pk], "apply": "1", "reason": "重复"},
    )
    element.refresh_from_db()
    assert element.status == "withdrawn"
    assert AuditEntry.objects.get(action="registry.data_element_withdrawn").reason == "重复"


def test_element_in_force_is_read_only_in_admin(admin_client):
    element = data_element_save_draft(actor=None, identifier="DE0702", name="姓名")
    element.status = DataElement.Status.IN_FORCE
    element.save()

    response = admin_client.post(
        reverse("admin:registry_dataelement_change", args=[element.pk]),
        _element_form(identifier="DE0702", name="改名"),
    )

    assert response.status_code == 403
    element.refresh_from_db()
    assert element.name == "姓名"


def test_subject_term_is_saved_with_synonyms_and_broader_terms(admin_client):
    social = SubjectTerm.objects.create(term="社会保险", labels="\n社会保险\n")

    response = admin_client.post(
        reverse("admin:registry_subjectterm_add"),
        {
            "term": "医疗保险",
            "term_en": "Medical insurance",
            "scope_note": "",
            "synonyms": "医保\n",
            "broader": [social.pk],
            "related": [],
        },
    )

    assert response.status_code == 302
    term = SubjectTerm.objects.get(term="医疗保险")
    assert term.synonyms == ["医保"]
    assert list(term.broader.all()) == [social]
    assert AuditEntry.objects.filter(action="registry.subject_term_saved").count() == 1
