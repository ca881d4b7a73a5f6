"""Certificates hold personal data: encrypted at rest, still verifiable, reads and revocations
audited."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from ecity.audit.models import AuditEntry
from ecity.certificates import selectors, services
from ecity.certificates.models import Certificate
from ecity.certificates.tests.conftest import issue_for_case
from ecity.certificates.verification import certificate_payload
from ecity.core import crypto, keys

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(joint, cert_type, approved_case):
    return issue_for_case(approved_case, joint.approver)


def pdf_url(certificate):
    return f"/certificates/{certificate.identifier}/pdf"


def test_holder_identifier_and_data_are_stored_encrypted(joint, certificate):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT holder_identifier, data FROM certificates_certificate WHERE id = %s",
            [certificate.pk],
        )
        identifier, data = cursor.fetchone()

    assert identifier.startswith("v1$") and data.startswith("v1$")
    assert joint.citizen.id_number not in identifier + data and "小明面馆" not in data
    stored = Certificate.objects.get(pk=certificate.pk)
    assert stored.holder_identifier == joint.citizen.id_number
    assert stored.data["shop_name"] == "小明面馆"


@pytest.fixture
def rotated_keyring(settings):
    """The test keyring plus a new active key k2 (as after ``field_keys rotate``)."""
    ring = crypto.keyring()
    rotated = crypto.Keyring(
        active="k2", keys={**ring.keys, "k2": os.urandom(32)}, index_key=ring.index_key
    )
    settings.ECITY_FIELD_KEYS = rotated.to_json()
    crypto.reset_keyring_cache()
    yield
    crypto.reset_keyring_cache()


def test_signature_still_verifies_after_the_round_trip_and_a_key_rotation(
    certificate, rotated_keyring
):
    payload = certificate_payload(Certificate.objects.get(pk=certificate.pk))

    moved = keys.reencrypt()
    result = services.certificate_verify(identifier=certificate.identifier)

    assert moved > 0 and keys.key_usage()["certificates.certificate.data"] == {"k2": 1}
    assert result.status == "valid"
    assert payload == certificate_payload(certificate)


def test_holder_finds_their_certificates_through_the_blind_index(joint, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(holder_account=None)

    assert list(selectors.certificate_list_for_holder(user=joint.citizen)) == [certificate]


def test_staff_download_is_audited_the_holders_is_not(client, joint, certificate):
    client.force_login(joint.citizen)
    assert client.get(pdf_url(certificate)).status_code == 200
    client.force_login(joint.clerk)
    assert client.get(pdf_url(certificate)).status_code == 200

    [entry] = AuditEntry.objects.filter(action="certificate.read")
    assert entry.actor == joint.clerk and entry.subject == joint.citizen
    assert entry.object_id == str(certificate.public_id)


def test_revocation_is_audited_with_its_reason(joint, certificate):
    services.certificate_revoke(
        actor=joint.approver, certificate=certificate, reason="经营场所已变更。"
    )

    [entry] = AuditEntry.objects.filter(action="certificate.revoked")
    assert entry.actor == joint.approver and entry.subject == joint.citizen
    assert entry.reason == "经营场所已变更。"
    services.certificate_revoke(actor=joint.approver, certificate=certificate, reason="again")
    assert AuditEntry.objects.filter(action="certificate.revoked").count() == 1
