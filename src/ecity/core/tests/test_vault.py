"""The signing-key vault: one current key per purpose, rotation, retirement, plug-in algorithms."""

from __future__ import annotations

import pytest

from ecity.core import audit_hook, vault
from ecity.core.audit_hook import audit_hook_register
from ecity.core.errors import Conflict, NotFound
from ecity.core.models import SigningKey
from ecity.core.vault import purposes as vault_purposes

pytestmark = pytest.mark.django_db

CERTIFICATES = SigningKey.Purpose.CERTIFICATES
OIDC = SigningKey.Purpose.OIDC


def test_each_purpose_has_its_own_current_key_with_its_algorithm():
    certificates = vault.key_current(purpose=CERTIFICATES)
    oidc = vault.key_current(purpose=OIDC)

    assert (certificates.algorithm, oidc.algorithm) == ("Ed25519", "RS256")
    assert vault.key_current(purpose=CERTIFICATES) == certificates
    assert SigningKey.objects.filter(status="current").count() == 2


def test_a_signature_verifies_only_with_its_key_and_message():
    key = vault.key_current(purpose=CERTIFICATES)
    signature = vault.key_sign(key=key, message=b"certificate 42")

    assert vault.key_verify(
        purpose=CERTIFICATES, kid=key.kid, message=b"certificate 42", signature=signature
    )
    assert not vault.key_verify(
        purpose=CERTIFICATES, kid=key.kid, message=b"certificate 43", signature=signature
    )
    assert not vault.key_verify(
        purpose=OIDC, kid=key.kid, message=b"certificate 42", signature=signature
    )


def test_rotation_demotes_the_current_key_and_can_retire_older_ones():
    first = vault.key_current(purpose=OIDC)
    second = vault.key_rotate(purpose=OIDC)

    third = vault.key_rotate(purpose=OIDC, retire_previous=True)

    statuses = dict(SigningKey.objects.filter(purpose=OIDC).values_list("kid", "status"))
    assert statuses == {first.kid: "retired", second.kid: "previous", third.kid: "current"}
    assert [k.kid for k in vault.key_verifying(purpose=OIDC)] == [third.kid, second.kid]


def test_retired_oidc_keys_stop_verifying_but_retired_certificate_keys_do_not():
    for purpose in (OIDC, CERTIFICATES):
        old = vault.key_current(purpose=purpose)
        signature = vault.key_sign(key=old, message=b"signed before")
        vault.key_rotate(purpose=purpose)

        vault.key_retire(purpose=purpose, kid=old.kid)

        verifies = vault.key_verify(
            purpose=purpose, kid=old.kid, message=b"signed before", signature=signature
        )
        assert verifies is (purpose == CERTIFICATES)


def test_the_current_key_cannot_be_retired_and_an_unknown_one_is_not_found():
    current = vault.key_current(purpose=CERTIFICATES)

    with pytest.raises(Conflict):
        vault.key_retire(purpose=CERTIFICATES, kid=current.kid)
    with pytest.raises(NotFound):
        vault.key_retire(purpose=CERTIFICATES, kid="0000000000000000")


def test_rotation_and_retirement_are_audited_through_the_hook():
    recorded: list[tuple[str, dict]] = []

    def recorder(**entry):
        recorded.append((entry["action"], entry["data"]))

    audit_hook_register(recorder)
    first = vault.key_current(purpose=CERTIFICATES)
    try:
        second = vault.key_rotate(purpose=CERTIFICATES)
        vault.key_retire(purpose=CERTIFICATES, kid=first.kid)
    finally:
        audit_hook._recorders.remove(recorder)

    assert (
        "keys.rotated",
        {"purpose": "certificates", "kid": second.kid, "previous": [first.kid], "retired": []},
    ) in recorded
    assert ("keys.retired", {"purpose": "certificates", "kid": first.kid}) in recorded


def test_a_rotation_guard_can_refuse_a_rotation():
    def refuse() -> None:
        raise Conflict("managed elsewhere")

    vault.rotation_guard_register(SigningKey.Purpose.EXCHANGE, refuse)
    try:
        with pytest.raises(Conflict, match="managed elsewhere"):
            vault.key_rotate(purpose=SigningKey.Purpose.EXCHANGE)
    finally:
        vault_purposes._rotation_guards[SigningKey.Purpose.EXCHANGE].remove(refuse)
    assert not SigningKey.objects.filter(purpose=SigningKey.Purpose.EXCHANGE).exists()


class ReversedEd25519(vault.Ed25519Algorithm):
    """A stand-in for a plug-in algorithm (SM2 later): signs the reversed message."""

    name = "Test-Reversed"

    def sign(self, private_pem: str, message: bytes) -> bytes:
        return super().sign(private_pem, message[::-1])

    def verify(self, public_key: str, message: bytes, signature: bytes) -> bool:
        return super().verify(public_key, message[::-1], signature)


def test_an_algorithm_can_be_plugged_in_for_a_purpose(monkeypatch):
    vault.algorithm_register(ReversedEd25519())
    monkeypatch.setitem(
        vault.PURPOSES,
        SigningKey.Purpose.EXCHANGE,
        vault.PurposeRules(algorithm="Test-Reversed", verifies_retired=True),
    )

    key = vault.key_current(purpose=SigningKey.Purpose.EXCHANGE)
    signature = vault.key_sign(key=key, message=b"message")

    assert key.algorithm == "Test-Reversed"
    assert vault.key_verify(
        purpose=SigningKey.Purpose.EXCHANGE, kid=key.kid, message=b"message", signature=signature
    )
    assert not vault.algorithm_get("Ed25519").verify(key.public_key, b"message", signature)


def test_an_imported_key_is_kept_as_previous_once():
    private_pem, _public = vault.algorithm_get("RS256").generate()

    key, created = vault.key_import(purpose=OIDC, private_pem=private_pem)
    again, created_again = vault.key_import(purpose=OIDC, private_pem=private_pem)

    assert created and not created_again and again == key
    assert key.status == "previous" and vault.private_pem_of(key) == private_pem


def test_each_owner_has_its_own_current_key_within_a_purpose():
    first = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner="CN-DEMO/GOV/A/SYS")
    second = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner="CN-DEMO/GOV/B/SYS")
    signature = vault.key_sign(key=first, message=b"m")

    assert first.kid != second.kid
    assert vault.key_verify(
        purpose=vault.Purpose.EXCHANGE,
        owner="CN-DEMO/GOV/A/SYS",
        kid=first.kid,
        message=b"m",
        signature=signature,
    )
    # B's identity cannot vouch for A's signature, even with A's key ID
    assert not vault.key_verify(
        purpose=vault.Purpose.EXCHANGE,
        owner="CN-DEMO/GOV/B/SYS",
        kid=first.kid,
        message=b"m",
        signature=signature,
    )


def test_trusted_public_key_verifies_but_never_signs():
    algorithm = vault.algorithm_get("Ed25519")
    private_pem, public_key = algorithm.generate()
    owner = "CN-B/GOV/GAJ/HJ"

    old = vault.key_trust(
        purpose=SigningKey.Purpose.EXCHANGE,
        owner=owner,
        algorithm="Ed25519",
        public_key=public_key,
        status="current",
    )
    _other_pem, newer_public = algorithm.generate()
    new = vault.key_trust(
        purpose=SigningKey.Purpose.EXCHANGE,
        owner=owner,
        algorithm="Ed25519",
        public_key=newer_public,
        status="current",
    )

    signature = algorithm.sign(private_pem, b"message from city B")
    assert vault.key_verify(
        purpose=SigningKey.Purpose.EXCHANGE,
        owner=owner,
        kid=old.kid,
        message=b"message from city B",
        signature=signature,
    )
    old.refresh_from_db()
    assert (old.status, new.status) == ("previous", "current")
    with pytest.raises(vault.SigningKeyUnavailable):
        vault.key_sign(key=new, message=b"forged here")


def test_a_local_key_cannot_be_trusted_again_for_another_owner():
    local = vault.key_current(purpose=SigningKey.Purpose.EXCHANGE, owner="CN-A/GOV/GAJ/HJ")

    with pytest.raises(Conflict):
        vault.key_trust(
            purpose=SigningKey.Purpose.EXCHANGE,
            owner="CN-B/GOV/GAJ/HJ",
            algorithm="Ed25519",
            public_key=local.public_key,
            status="current",
        )
