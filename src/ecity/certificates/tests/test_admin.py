"""The admin pages of certificate types, signing keys and certificates."""

from __future__ import annotations

import pytest

from ecity.certificates import signing
from ecity.certificates.tests.conftest import issue_for_case
from ecity.core.models import SigningKey


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.cn", "x-very-long-1")
    client.force_login(user)
    return client


def test_admin_pages_render(admin_client, joint, cert_type, approved_case):
    certificate = issue_for_case(approved_case, joint.approver)

    for url in [
        "/admin/certificates/certificatetype/",
        f"/admin/certificates/certificatetype/{cert_type.pk}/change/",
        "/admin/core/signingkey/",
        f"/admin/core/signingkey/{certificate.key.pk}/change/",
        "/admin/certificates/certificate/",
        f"/admin/certificates/certificate/{certificate.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def test_admin_rotate_action(admin_client, db):
    old = signing.key_generate()

    admin_client.post("/admin/core/signingkey/", {"action": "rotate", "_selected_action": [old.pk]})

    old.refresh_from_db()
    assert old.status == SigningKey.Status.PREVIOUS
    assert SigningKey.objects.filter(status=SigningKey.Status.CURRENT).exclude(pk=old.pk).exists()


def test_admin_revoke_action_opens_the_form(admin_client, joint, cert_type, approved_case):
    certificate = issue_for_case(approved_case, joint.approver)

    response = admin_client.post(
        "/admin/certificates/certificate/",
        {"action": "revoke", "_selected_action": [certificate.pk]},
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"/certificates/{certificate.identifier}/revoke/")
