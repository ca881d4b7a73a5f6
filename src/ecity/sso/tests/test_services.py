"""Services: client registration rules, federation link/unlink, signing-key rotation."""

from __future__ import annotations

import pytest
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from ecity.audit.models import AuditEntry
from ecity.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ecity.core.models import SigningKey
from ecity.identity.tests.factories import UserFactory
from ecity.sso import keys, services
from ecity.sso.models import Federation
from ecity.sso.tests.helpers import exchange, sign_in


def _register(actor, department, **overrides):
    arguments = {
        "actor": actor,
        "name": "社保查询",
        "department": department,
        "client_type": "confidential",
        "redirect_uris": ["https://app.example.test/cb"],
        "allowed_claims": ["profile"],
    }
    arguments.update(overrides)
    return services.client_register(**arguments)


def test_registration_hashes_the_secret_and_returns_it_once(platform_admin, department):
    application, secret = _register(platform_admin, department)

    assert len(secret) > 30
    assert application.client_secret != secret
    assert application.client_secret.startswith(("pbkdf2", "argon2", "md5"))
    assert application.algorithm == "RS256"
    assert application.authorization_grant_type == "authorization-code"
    entry = AuditEntry.objects.get(action="sso.client_created")
    assert entry.data["client_id"] == application.client_id
    assert secret not in str(entry.data)


def test_public_clients_get_no_secret(platform_admin, department):
    _application, secret = _register(platform_admin, department, client_type="public")

    assert secret == ""


@pytest.mark.parametrize(
    ("uri", "fragment"),
    [
        ("http://app.example.test/cb", "必须使用 https://"),
        ("app.example.test/cb", "不是完整的 https://"),
        ("https://app.example.test/cb#x", "不能包含片段"),
        ("https://*.example.test/cb", "不能包含通配符"),
        ("https://user:pw@app.example.test/cb", "不能包含用户名或密码"),
    ],
)
def test_redirect_addresses_must_be_https(platform_admin, department, uri, fragment):
    with pytest.raises(ValidationFailed) as caught:
        _register(platform_admin, department, redirect_uris=[uri])

    assert fragment in caught.value.fields["redirect_uris"][0]


def test_loopback_http_is_accepted_for_testing(platform_admin, department):
    application, _ = _register(
        platform_admin,
        department,
        redirect_uris=["http://127.0.0.1:8765/cb", "http://localhost/cb"],
    )

    assert application.redirect_uris == "http://127.0.0.1:8765/cb http://localhost/cb"


def test_every_problem_is_reported_at_once(platform_admin, department):
    with pytest.raises(ValidationFailed) as caught:
        _register(
            platform_admin,
            None,
            name=" ",
            redirect_uris=[],
            post_logout_redirect_uris=["ftp://x"],
            allowed_claims=["everything"],
        )

    assert set(caught.value.fields) == {
        "name",
        "department",
        "redirect_uris",
        "post_logout_redirect_uris",
        "allowed_claims",
    }


def test_only_platform_admins_register_clients(citizen, department):
    with pytest.raises(PermissionDenied):
        _register(citizen, department)


def test_update_is_audited_with_the_changed_fields(platform_admin, department, registered):
    services.client_update(
        actor=platform_admin,
        application=registered,
        name=registered.name,
        department=department,
        client_type="confidential",
        redirect_uris=registered.redirect_uris.split(),
        post_logout_redirect_uris=registered.post_logout_redirect_uris.split(),
        allowed_claims=["profile"],
        description="开办企业全程网办",
        contact="市场监管局信息中心 021-12345678",
    )

    entry = AuditEntry.objects.get(action="sso.client_changed")
    assert entry.fields == ["allowed_claims"]


def test_secret_reset_invalidates_the_old_secret(platform_admin, registered, client, citizen):
    new_secret = services.client_secret_reset(actor=platform_admin, application=registered)
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)

    old = exchange(client, registered, code, verifier)
    registered.plain_secret = new_secret
    code, verifier = sign_in(client, registered)
    new = exchange(client, registered, code, verifier)

    assert old.status_code == 401
    assert new.status_code == 200


def test_unlink_revokes_tokens_and_codes_and_is_audited(client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    exchange(client, registered, code, verifier)
    sign_in(client, registered)  # an unused code
    federation = Federation.objects.get()

    services.federation_unlink(actor=citizen, federation=federation)

    federation.refresh_from_db()
    assert federation.revoked_at is not None
    assert not AccessToken.objects.filter(user=citizen).exists()
    assert not Grant.objects.filter(user=citizen).exists()
    assert not RefreshToken.objects.filter(user=citizen, revoked__isnull=True).exists()
    entry = AuditEntry.objects.get(action="sso.federation_unlinked")
    assert entry.data["revoked"]["access"] == 1


def test_nobody_else_can_unlink_and_twice_is_a_conflict(citizen, registered):
    federation = Federation.objects.create(user=citizen, application=registered)

    with pytest.raises(NotFound):
        services.federation_unlink(actor=UserFactory(), federation=federation)
    services.federation_unlink(actor=citizen, federation=federation)
    with pytest.raises(Conflict):
        services.federation_unlink(actor=citizen, federation=federation)


def test_relinking_after_unlink_starts_a_new_federation(citizen, registered):
    first = services.federation_link(user=citizen, application=registered, claims=["profile"])
    services.federation_unlink(actor=citizen, federation=first)

    second = services.federation_link(user=citizen, application=registered, claims=["phone"])

    assert second.pk != first.pk
    assert second.consented_claims == ["phone"]


def test_link_ignores_claims_the_client_may_not_receive(citizen, registered):
    federation = services.federation_link(
        user=citizen, application=registered, claims=["profile", "id_number"]
    )

    assert federation.consented_claims == ["profile"]


def test_rotation_keeps_the_old_key_published_and_signs_with_the_new(db):
    first = keys.current_signing_key().thumbprint()

    record = services.signing_key_rotate()

    published = [key["kid"] for key in keys.published_keys()]
    assert published == [record.kid, first]
    assert keys.current_signing_key().thumbprint() == record.kid
    assert SigningKey.objects.get(kid=first).status == "previous"
    assert AuditEntry.objects.get(action="keys.rotated").data["previous"] == [first]


def test_retired_keys_are_no_longer_published(db):
    first = keys.current_signing_key().thumbprint()
    services.signing_key_rotate()

    services.signing_key_rotate(retire_previous=True)

    published = [key["kid"] for key in keys.published_keys()]
    assert first not in published
    assert len(published) == 2
    assert keys.verification_key(first) is None


def test_the_current_key_cannot_be_retired(db):
    kid = keys.current_signing_key().thumbprint()

    with pytest.raises(Conflict):
        services.signing_key_retire(kid=kid)
