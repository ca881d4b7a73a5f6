"""Applying, acting for an enterprise and seeing one's case data need a verified identity.

The attacks of issue 8: anyone could register with another person's valid ID number and file
an application as that person ("Real-name identity"); a citizen could register any USCC and
file applications in its name ("Enterprise identity"). Written against services and pages that
existed before real-name levels, so that each fails on the old code.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from ecity.cases.models import Case
from ecity.cases.selectors.materials import material_key
from ecity.cases.tests.factories import CaseFactory
from ecity.cases.tests.submission_support import form_data, identity_of, submit, upload
from ecity.core.errors import PermissionDenied
from ecity.identity import services as identity_services
from ecity.identity.models import AgentAuthorisation
from ecity.identity.selectors import ActingIdentity
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    UserFactory,
    id_number_for,
)

pytestmark = pytest.mark.django_db

VICTIM_ID_NUMBER = id_number_for(901)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def impostor(db):
    """Registered (nothing proved) with another person's real name and valid ID number."""
    return identity_services.citizen_register(
        username="impostor",
        password="a-Long-pass-phrase",
        real_name="受害人",
        id_number=VICTIM_ID_NUMBER,
        phone="13900000901",
        email="impostor@example.cn",
    )


# --- filing an application -------------------------------------------------------------------


def test_an_impostor_registered_with_someone_elses_id_number_cannot_apply(joint, impostor):
    with pytest.raises(PermissionDenied) as caught:
        submit(joint, user=impostor, form_data=form_data(id_number=VICTIM_ID_NUMBER))

    assert caught.value.code == "identity_level_required"
    assert "/accounts/verify/" in caught.value.message
    assert not Case.objects.exists()


def test_the_api_refuses_an_application_from_an_unverified_account(api_client, joint, impostor):
    api_client.force_authenticate(impostor)

    response = api_client.post(
        reverse("cases-api:application-submit"),
        {
            "service": joint.item.code,
            "form": json.dumps(form_data()),
            material_key(joint.mandatory_material): upload(),
        },
    )

    assert response.status_code == 403
    assert response.json()["code"] == "identity_level_required"
    assert not Case.objects.exists()


def test_the_application_page_tells_an_unverified_account_how_to_get_verified(
    client, joint, impostor
):
    client.force_login(impostor)

    response = client.get(reverse("cases:apply", args=[joint.item.code]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "your identity must be verified" in page
    assert reverse("identity:verify") in page


def test_a_verified_citizen_still_applies(joint):
    case = submit(joint)

    assert case.applicant == joint.citizen and case.applicant.identity_level >= 2


# --- applying for an enterprise --------------------------------------------------------------


def test_an_unverified_enterprise_cannot_apply(joint):
    # Given a citizen (verified) who registered an enterprise nobody has verified
    entity = LegalEntityFactory(name="冒名餐饮有限公司")
    AgentAuthorisationFactory(
        legal_entity=entity, user=joint.citizen, role=AgentAuthorisation.Role.ADMINISTRATOR
    )
    as_enterprise = ActingIdentity(
        kind=ActingIdentity.ENTERPRISE,
        display_name=entity.name,
        legal_entity=entity,
        role=AgentAuthorisation.Role.ADMINISTRATOR,
    )

    # When they file in its name
    with pytest.raises(PermissionDenied) as caught:
        submit(joint, session_identity=as_enterprise)

    # Then nothing is filed, and the message says the enterprise must be verified
    assert caught.value.code == "enterprise_not_verified"
    assert "business licence" in caught.value.message
    assert not Case.objects.exists()


def test_nobody_switches_to_an_unverified_enterprise(api_client, joint):
    entity = LegalEntityFactory()
    AgentAuthorisationFactory(
        legal_entity=entity, user=joint.citizen, role=AgentAuthorisation.Role.ADMINISTRATOR
    )
    api_client.force_authenticate(joint.citizen)

    response = api_client.post(
        "/api/v1/identity/me/acting-identity/",
        {"legal_entity": str(entity.public_id)},
        format="json",
    )
    acting = identity_of(joint.citizen, {"ecity_acting_as": str(entity.public_id)})

    assert response.status_code == 403
    assert response.json()["code"] == "enterprise_not_verified"
    assert acting.kind == ActingIdentity.CITIZEN


def test_a_verified_enterprise_applies_through_its_agent(joint):
    entity = LegalEntityFactory(verified=True)
    AgentAuthorisationFactory(legal_entity=entity, user=joint.citizen)

    case = submit(
        joint,
        session_identity=identity_of(joint.citizen, {"ecity_acting_as": str(entity.public_id)}),
    )

    assert case.legal_entity == entity


# --- seeing one's case data ------------------------------------------------------------------


def test_a_registered_only_account_does_not_see_case_data(client, api_client, joint):
    # Given a case on an account that is registered only (filed before levels existed)
    holder = UserFactory(real_name="旧账户")
    case = CaseFactory(
        service_version=joint.version,
        applicant=holder,
        form_data=form_data(applicant_name="旧账户", shop_name="旧账户面馆"),
    )
    client.force_login(holder)
    api_client.force_authenticate(holder)

    page = client.get(reverse("cases:detail", args=[case.number]))
    listing = client.get(reverse("cases:my_cases"))
    api = api_client.get(reverse("cases-api:my-case-detail", args=[case.number]))

    assert page.status_code == 403
    assert reverse("identity:verify") in page.content.decode()
    assert "旧账户面馆" not in page.content.decode()
    assert listing.status_code == 403
    assert api.status_code == 403 and api.json()["code"] == "identity_level_required"


def test_an_agent_does_not_see_the_cases_of_an_unverified_enterprise(api_client, joint):
    entity = LegalEntityFactory()
    AgentAuthorisationFactory(legal_entity=entity, user=joint.citizen)
    case = CaseFactory(service_version=joint.version, legal_entity=entity)
    api_client.force_authenticate(joint.citizen)
    session = api_client.session
    session["ecity_acting_as"] = str(entity.public_id)
    session.save()

    listing = api_client.get(reverse("cases-api:my-case-list"))

    assert listing.status_code == 200
    assert case.number not in [c["number"] for c in listing.json()["results"]]
