"""Materials satisfied by reference (免提交): the applicant's own certificate or registry record."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from ecity.audit.models import AuditEntry
from ecity.cases.models import Case, CaseMaterialReference
from ecity.cases.selectors.drafts import draft_get_or_prefill
from ecity.cases.selectors.materials import material_key
from ecity.cases.tests.submission_support import identity_of, submit
from ecity.cases.tests.test_applicant_views import apply_url, check_form, check_url, post_data
from ecity.catalogue.models import RegistrySource, RequiredMaterial
from ecity.certificates.models import Certificate
from ecity.certificates.services import Holder, certificate_import, certificate_revoke
from ecity.certificates.tests.factories import CertificateTypeFactory
from ecity.core.errors import ValidationFailed
from ecity.identity.tests.factories import (
    StaffRoleFactory,
    UserFactory,
    id_number_for,
    uscc_for,
)
from ecity.org.models import StaffRole
from ecity.registry.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence_type(joint):
    """The floor plan stands for a 营业执照 here: the material is bound to that certificate type."""
    certificate_type = CertificateTypeFactory(name_zh="营业执照", name_en="Business licence")
    RequiredMaterial.objects.filter(pk=joint.mandatory_material.pk).update(
        certificate_type=certificate_type
    )
    joint.mandatory_material.refresh_from_db()
    return certificate_type


@pytest.fixture
def recorder(joint):
    return StaffRoleFactory(role=StaffRole.Role.DEPARTMENT_ADMIN, department=joint.lead).user


def _licence(recorder, certificate_type, user, *, number="NJ0001", **changes):
    values = {
        "actor": recorder,
        "department": recorder.staff_roles.first().department,
        "certificate_type": certificate_type,
        "holder": Holder(
            kind=Certificate.HolderKind.CITIZEN, name=user.real_name, identifier=user.id_number
        ),
        "issuer_name": "南京市市场监督管理局",
        "issuer_uscc": uscc_for(8801, region="320100"),
        "number": number,
        "issued_on": dt.date(2024, 1, 1),
        "valid_until": dt.date.today() + dt.timedelta(days=30),
        "verification": Certificate.Verification.ISSUER_REGISTRY,
    }
    values.update(changes)
    return certificate_import(**values)


def test_a_valid_certificate_of_the_bound_type_satisfies_the_material(
    joint, licence_type, recorder
):
    # given the citizen holds a valid 营业执照
    licence = _licence(recorder, licence_type, joint.citizen)

    # when they submit without the file
    case = submit(joint, files={})

    # then the case records the certificate instead of an attachment
    assert case.status == Case.Status.SUBMITTED and case.attachments.count() == 0
    reference = CaseMaterialReference.objects.get(case=case)
    assert reference.material == joint.mandatory_material
    assert reference.certificate == licence
    assert reference.label == licence.identifier
    assert reference.verified_at is not None


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_an_expired_or_revoked_certificate_does_not_satisfy_it(
    joint, licence_type, recorder, state
):
    if state == "expired":
        _licence(
            recorder, licence_type, joint.citizen, valid_until=dt.date.today() - dt.timedelta(1)
        )
    else:
        licence = _licence(recorder, licence_type, joint.citizen)
        certificate_revoke(actor=recorder, certificate=licence, reason="已吊销")

    with pytest.raises(ValidationFailed) as raised:
        submit(joint, files={})

    assert material_key(joint.mandatory_material) in raised.value.fields
    assert not Case.objects.exists() and not CaseMaterialReference.objects.exists()


def test_another_persons_certificate_never_satisfies_it(joint, licence_type, recorder):
    _licence(recorder, licence_type, UserFactory(is_real_name_verified=True))

    with pytest.raises(ValidationFailed) as raised:
        submit(joint, files={})

    assert material_key(joint.mandatory_material) in raised.value.fields


def test_a_file_given_anyway_is_kept_and_no_reference_recorded(joint, licence_type, recorder):
    _licence(recorder, licence_type, joint.citizen)

    case = submit(joint)  # with the floor plan file

    assert case.attachments.count() == 1
    assert not CaseMaterialReference.objects.filter(case=case).exists()


def _person(user, **values):
    return Person.objects.create(
        id_number=user.id_number, name=user.real_name, account=user, **values
    )


def test_the_applicants_own_registry_record_satisfies_a_registry_bound_material(joint):
    RequiredMaterial.objects.filter(pk=joint.mandatory_material.pk).update(
        registry_source=RegistrySource.PERSON,
        registry_element="DE0006",  # 住址
    )
    # a person record of someone else, not linked to the citizen, does not count
    other = UserFactory(is_real_name_verified=True)
    Person.objects.create(id_number=other.id_number, name=other.real_name, address="别人家")
    with pytest.raises(ValidationFailed):
        submit(joint, files={})

    record = _person(joint.citizen, address="示范市东城区幸福路1号")
    case = submit(joint, files={})

    reference = CaseMaterialReference.objects.get(case=case)
    assert reference.person == record and reference.certificate is None


def test_a_registry_record_without_the_named_element_does_not_satisfy_it(joint):
    RequiredMaterial.objects.filter(pk=joint.mandatory_material.pk).update(
        registry_source=RegistrySource.PERSON, registry_element="DE0006"
    )
    _person(joint.citizen, address="")
    with pytest.raises(ValidationFailed):
        submit(joint, files={})


def test_the_apply_page_says_the_material_comes_from_the_wallet_and_submits_without_upload(
    client, joint, licence_type, recorder
):
    licence = _licence(recorder, licence_type, joint.citizen)
    client.force_login(joint.citizen)

    page = client.get(apply_url(joint)).content.decode()
    data = post_data(joint)
    data.pop(material_key(joint.mandatory_material))
    continued = client.post(apply_url(joint), data)
    check = client.get(check_url(joint)).content.decode()
    submitted = client.post(check_url(joint), check_form(client, joint))

    assert f"已从电子证照库获取（证照编号 {licence.identifier}），无需上传。" in page
    assert continued.status_code == 302 and continued["Location"] == check_url(joint)
    assert f"已从电子证照库获取（证照编号 {licence.identifier}）" in check
    assert submitted.status_code == 302
    case = Case.objects.get()
    assert case.material_references.get().certificate == licence


def test_the_file_input_of_a_material_from_the_wallet_is_described_by_the_notice(
    client, joint, licence_type, recorder
):
    # A screen reader on the file input heard "optional" but not that the licence is taken
    # from the wallet: the notice was not among the input's descriptions.
    _licence(recorder, licence_type, joint.citizen)
    client.force_login(joint.citizen)

    response = client.get(apply_url(joint))

    assert response.status_code == 200
    html = response.content.decode()
    key = material_key(joint.mandatory_material)
    source_id = f"id_{key}-source"
    assert f'id="{source_id}"' in html
    file_input = re.search(rf'<input[^>]*name="{re.escape(key)}"[^>]*>', html)
    assert file_input is not None
    assert source_id in re.search(r'aria-describedby="([^"]*)"', file_input.group(0)).group(1)


def test_the_reviewer_sees_the_verified_certificate_and_the_read_is_audited(
    client, joint, licence_type, recorder
):
    licence = _licence(recorder, licence_type, joint.citizen)
    case = submit(joint, files={})
    reference = case.material_references.get()
    client.force_login(joint.clerk)

    case_page = client.get(reverse("cases:workbench_case", args=[case.number])).content.decode()
    url = reverse("cases:workbench_material_reference", args=[case.number, reference.public_id])
    opened = client.get(url)

    assert url in case_page and licence.identifier in case_page
    assert opened.status_code == 200
    body = opened.content.decode()
    assert licence.identifier in body and "南京市市场监督管理局" in body
    entry = AuditEntry.objects.get(action="case_material_reference.read")
    assert entry.actor == joint.clerk and entry.subject == joint.citizen
    assert entry.data["case"] == case.number


def test_someone_who_may_not_see_the_case_cannot_open_its_reference(
    client, joint, licence_type, recorder
):
    _licence(recorder, licence_type, joint.citizen)
    case = submit(joint, files={})
    reference = case.material_references.get()
    outsider = StaffRoleFactory(role=StaffRole.Role.REVIEWER).user
    client.force_login(outsider)

    url = reverse("cases:workbench_material_reference", args=[case.number, reference.public_id])
    response = client.get(url)

    assert response.status_code in (403, 404)
    assert not AuditEntry.objects.filter(action="case_material_reference.read").exists()


def test_the_form_prefills_from_the_applicants_own_registry_record_only(client, joint):
    # given someone else's record, and the citizen's own with an address and a phone
    other = UserFactory(is_real_name_verified=True, real_name="李四")
    Person.objects.create(id_number=id_number_for(999), name="李四", account=other)
    _person(joint.citizen, phone="13700001111")

    state = draft_get_or_prefill(
        actor=joint.citizen, identity=identity_of(joint.citizen), service_version=joint.version
    )

    assert state.initial["applicant_name"] == "王小明"
    assert state.initial["phone"] == "13700001111"
    assert state.initial["id_number"] == joint.citizen.id_number
    assert state.from_registry == {"applicant_name", "id_number", "phone"}
    # and the page marks those fields
    client.force_login(joint.citizen)
    page = client.get(apply_url(joint)).content.decode()
    assert page.count("来自基础库") == 3


def test_without_a_registry_record_nothing_is_marked_from_the_registry(joint):
    state = draft_get_or_prefill(
        actor=joint.citizen, identity=identity_of(joint.citizen), service_version=joint.version
    )
    assert state.from_registry == set()
