"""A certificate issued to a person by ID number (a walk-in applicant, no account) reaches an
account with that ID number only once the account is real-name verified: anyone can register
with someone else's ID number (issue 8, "Real-name identity")."""

from __future__ import annotations

import pytest

from ecity.certificates import selectors
from ecity.certificates.tests.factories import CertificateFactory
from ecity.identity.tests.factories import UserFactory, id_number_for

pytestmark = pytest.mark.django_db

VICTIM_ID_NUMBER = id_number_for(911)


@pytest.fixture
def walk_in_certificate(db):
    return CertificateFactory(
        holder_account=None, holder_name="李大爷", holder_identifier=VICTIM_ID_NUMBER
    )


def test_an_impostor_with_the_holders_id_number_gets_no_certificate(client, walk_in_certificate):
    # Given an account registered (nothing proved) with the holder's ID number
    impostor = UserFactory(real_name="李大爷", id_number=VICTIM_ID_NUMBER)
    client.force_login(impostor)

    # When it lists and downloads the holder's certificates
    listed = list(selectors.certificate_list_for_holder(user=impostor))
    download = client.get(f"/certificates/{walk_in_certificate.identifier}/pdf")

    # Then it gets nothing
    assert listed == []
    assert download.status_code == 403


def test_the_verified_holder_gets_the_certificate(client, walk_in_certificate):
    holder = UserFactory(real_name="李大爷", id_number=VICTIM_ID_NUMBER, is_real_name_verified=True)
    client.force_login(holder)

    assert list(selectors.certificate_list_for_holder(user=holder)) == [walk_in_certificate]
    assert client.get(f"/certificates/{walk_in_certificate.identifier}/pdf").status_code == 200
