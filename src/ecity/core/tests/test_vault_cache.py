"""The vault's per-process cache of current signing keys: fast, and never stale past a rotation."""

from __future__ import annotations

import pytest

from ecity.core import vault
from ecity.core.models import SigningKey
from ecity.core.vault import keys as vault_keys

pytestmark = pytest.mark.django_db

EXCHANGE = SigningKey.Purpose.EXCHANGE
OWNER = "CN-DEMO/GOV/GAJ/hukou"


@pytest.fixture(autouse=True)
def _empty_cache():
    vault.signing_keys_forget()
    yield
    vault.signing_keys_forget()


def test_a_cached_signing_key_signs_again_without_touching_the_database(
    settings, django_assert_num_queries
):
    # Given a key fetched once, re-checked only every minute
    settings.ECITY_VAULT_KEY_CHECK_SECONDS = 60
    key = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)

    # When it signs again
    with django_assert_num_queries(0):
        again = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)
        signature = vault.key_sign(key=again, message=b"message 1")

    # Then it is the owner's current key and its signature verifies
    assert again.kid == key.kid
    assert vault.key_verify(
        purpose=EXCHANGE, owner=OWNER, kid=key.kid, message=b"message 1", signature=signature
    )


def test_with_checks_on_every_use_one_cheap_query_confirms_the_cached_key(
    settings, django_assert_num_queries
):
    settings.ECITY_VAULT_KEY_CHECK_SECONDS = 0
    key = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)

    with django_assert_num_queries(1):
        again = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)

    assert again.kid == key.kid


def test_a_rotation_in_this_process_signs_with_the_new_key_at_once(settings):
    # Given a cached key that would not be re-checked for a minute
    settings.ECITY_VAULT_KEY_CHECK_SECONDS = 60
    old = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)

    # When the owner's key is rotated
    new = vault.key_rotate(purpose=EXCHANGE, owner=OWNER)

    # Then the next signature uses the new key, and the old one still verifies (previous)
    signing = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)
    assert (signing.kid, signing.kid != old.kid) == (new.kid, True)
    old_signature = vault.key_sign(key=old, message=b"signed before")
    assert vault.key_verify(
        purpose=EXCHANGE,
        owner=OWNER,
        kid=old.kid,
        message=b"signed before",
        signature=old_signature,
    )


def test_a_rotation_by_another_process_is_picked_up_at_the_next_check(settings):
    # Given this process caches the current key
    settings.ECITY_VAULT_KEY_CHECK_SECONDS = 0
    old = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)
    cached_here = dict(vault_keys._signing_keys)

    # When another process rotates it (its cache, not ours, is emptied)
    new = vault.key_rotate(purpose=EXCHANGE, owner=OWNER)
    vault_keys._signing_keys.update(cached_here)

    # Then the next check notices the new current kid and signs with the new key
    signing = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)
    assert (signing.kid, old.kid != new.kid) == (new.kid, True)


def test_each_owner_keeps_its_own_cached_key():
    first = vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER)
    second = vault.key_current_for_signing(purpose=EXCHANGE, owner="CN-DEMO/GOV/RSJ/shebao")

    assert first.kid != second.kid
    assert vault.key_current_for_signing(purpose=EXCHANGE, owner=OWNER).kid == first.kid
