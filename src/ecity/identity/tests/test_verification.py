"""Real-name verification of citizens: at a counter, through an identity provider, by the registry.

The attack these close (issue 8, "Real-name identity"): anyone could register with another
person's valid ID number and be taken for that person. A registered account stays at level 1
until a channel that proves the person raises it, and a channel that proves someone else is
refused and recorded.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied
from ecity.identity import selectors, services
from ecity.identity.errors import (
    IdentityLevelRequired,
    VerificationFailed,
    VerificationUnavailable,
)
from ecity.identity.models import IdentityLevel, User
from ecity.identity.providers.demo import assertion_sign
from ecity.identity.registries import Match, MatchResult, PersonRegistry
from ecity.identity.services.verification import VERIFICATION_SESSION_KEY
from ecity.identity.tests.factories import UserFactory, id_number_for

pytestmark = pytest.mark.django_db

HERE = "ecity.identity.tests.test_verification"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def newcomer(db):
    """Registered only (level 1), as every account starts."""
    return UserFactory(username="newcomer", real_name="周一", id_number=id_number_for(701))


def _actions(action: str) -> list[tuple]:
    return [
        (e.actor.username if e.actor else "", e.subject.username if e.subject else "", e.data)
        for e in AuditEntry.objects.filter(action=action).select_related("actor", "subject")
    ]


# --- levels ----------------------------------------------------------------------------------


def test_a_registered_account_is_level_one_and_not_enough_to_apply(newcomer):
    assert newcomer.identity_level == IdentityLevel.REGISTERED
    assert not newcomer.is_real_name_verified
    for purpose in (selectors.APPLY, selectors.ACT_FOR_ENTERPRISE, selectors.CASE_DATA):
        assert not selectors.identity_level_meets(user=newcomer, purpose=purpose)
    with pytest.raises(IdentityLevelRequired) as caught:
        selectors.identity_level_check(user=newcomer, purpose=selectors.APPLY)

    assert caught.value.code == "identity_level_required"
    assert reverse("identity:verify") in caught.value.message


@override_settings(ECITY_IDENTITY_LEVELS_REQUIRED={"apply": 3})
def test_the_level_each_act_needs_is_a_platform_setting():
    verified = UserFactory(is_real_name_verified=True)

    assert not selectors.identity_level_meets(user=verified, purpose=selectors.APPLY)
    assert selectors.identity_level_meets(user=verified, purpose=selectors.CASE_DATA)


# --- at a counter ----------------------------------------------------------------------------


def test_a_clerk_verifies_a_person_in_person_with_the_id_card(clerk, newcomer):
    # When the clerk types what the ID card says (spacing and a lower-case x do not matter)
    services.citizen_verify_at_counter(
        actor=clerk, user=newcomer, id_number=f" {id_number_for(701).lower()} ", real_name="周 一"
    )
    again = services.citizen_verify_at_counter(
        actor=clerk, user=newcomer, id_number=id_number_for(701), real_name="周一"
    )

    # Then the account is verified in person, by that clerk, recorded once
    newcomer.refresh_from_db()
    assert (newcomer.identity_level, newcomer.identity_method) == (3, "counter")
    assert newcomer.identity_verified_by == clerk and newcomer.identity_verified_at is not None
    assert again.identity_level == 3
    assert _actions("account.identity_verified") == [
        ("clerk", "newcomer", {"method": "counter", "level": 3})
    ]


def test_an_id_card_of_another_person_does_not_verify_an_account(clerk):
    # Given an account registered with someone else's ID number (nothing checked at registration)
    squatter = UserFactory(username="squatter", real_name="冒名", id_number=id_number_for(702))

    # When the person at the counter shows the real owner's card (another name)
    with pytest.raises(VerificationFailed) as caught:
        services.citizen_verify_at_counter(
            actor=clerk, user=squatter, id_number=id_number_for(702), real_name="真主人"
        )

    # Then the account stays registered only, and the refusal is on record
    squatter.refresh_from_db()
    assert squatter.identity_level == 1
    assert list(caught.value.fields) == ["real_name"]
    assert _actions("account.identity_verification_failed") == [
        ("clerk", "squatter", {"method": "counter", "reason": "mismatch"})
    ]


def test_only_counter_clerks_verify_and_never_themselves(newcomer, clerk, department_admin):
    with pytest.raises(PermissionDenied):
        services.citizen_verify_at_counter(
            actor=department_admin, user=newcomer, id_number=newcomer.id_number, real_name="周一"
        )
    with pytest.raises(PermissionDenied):
        services.citizen_verify_at_counter(
            actor=newcomer, user=newcomer, id_number=newcomer.id_number, real_name="周一"
        )
    clerk.identity_level = 1
    clerk.save()
    with pytest.raises(PermissionDenied):
        services.citizen_verify_at_counter(
            actor=clerk, user=clerk, id_number=clerk.id_number, real_name=clerk.real_name
        )

    newcomer.refresh_from_db()
    clerk.refresh_from_db()
    assert (newcomer.identity_level, clerk.identity_level) == (1, 1)


def test_counter_page_finds_the_account_by_the_card_and_verifies_it(client, clerk, newcomer):
    client.force_login(clerk)
    url = reverse("identity:counter_person")

    found = client.post(url, {"action": "lookup", "id_number": id_number_for(701)})
    wrong = client.post(
        url,
        {
            "action": "verify",
            "account": str(newcomer.public_id),
            "id_number": id_number_for(701),
            "real_name": "别人",
            "person_seen": "on",
        },
    )
    verified = client.post(
        url,
        {
            "action": "verify",
            "account": str(newcomer.public_id),
            "id_number": id_number_for(701),
            "real_name": "周一",
            "person_seen": "on",
        },
    )

    assert found.status_code == 200
    assert found.context["person"] == newcomer
    assert newcomer.id_number_masked in found.content.decode()
    assert found["Cache-Control"].count("no-store") == 1
    assert wrong.status_code == 400
    assert "real_name" in wrong.context["verify_form"].errors
    assert verified.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.identity_level == 3
    # the clerk's look at the account (its real name) is on "who looked at my data"
    reads = AuditEntry.objects.filter(action="personal_data.read", subject=newcomer)
    assert reads.exists() and all(e.actor == clerk for e in reads)


def test_counter_page_is_for_clerks_only(client, citizen):
    client.force_login(citizen)

    response = client.post(
        reverse("identity:counter_person"), {"action": "lookup", "id_number": citizen.id_number}
    )

    assert response.status_code == 403


# --- through an identity provider ------------------------------------------------------------


def _start(user: User, session: dict) -> str:
    target = services.citizen_verification_start(
        user=user, provider_name="demo", session=session, callback_url="/accounts/verify/callback/"
    )
    return parse_qs(urlsplit(target).query)["state"][0]


def test_an_identity_provider_verifies_the_registered_person(newcomer):
    session: dict = {}
    state = _start(newcomer, session)
    answer = assertion_sign(
        state=state, outcome="verified", real_name="周一", id_number=id_number_for(701)
    )

    services.citizen_verification_complete(
        user=newcomer, session=session, params={"state": state, "assertion": answer}
    )

    newcomer.refresh_from_db()
    assert (newcomer.identity_level, newcomer.identity_method) == (2, "idp:demo")
    assert newcomer.identity_verified_by is None
    [(actor, subject, data)] = _actions("account.identity_verified")
    assert (actor, subject, data["method"], data["level"]) == (
        "newcomer",
        "newcomer",
        "idp:demo",
        2,
    )


def test_a_provider_vouching_for_another_person_does_not_verify_the_account(newcomer):
    # Given an account; the provider verifies the person at the keyboard: someone else
    session: dict = {}
    state = _start(newcomer, session)
    answer = assertion_sign(
        state=state, outcome="verified", real_name="吴二", id_number=id_number_for(703)
    )

    with pytest.raises(VerificationFailed):
        services.citizen_verification_complete(
            user=newcomer, session=session, params={"state": state, "assertion": answer}
        )

    newcomer.refresh_from_db()
    assert newcomer.identity_level == 1
    assert _actions("account.identity_verification_failed") == [
        ("newcomer", "newcomer", {"method": "idp:demo", "reason": "mismatch"})
    ]


@pytest.mark.parametrize("attack", ["forged", "other_state", "replayed", "not_started"])
def test_a_forged_replayed_or_foreign_provider_answer_is_refused(newcomer, attack):
    session: dict = {}
    state = _start(newcomer, session)
    good = assertion_sign(
        state=state, outcome="verified", real_name="周一", id_number=id_number_for(701)
    )
    params = {"state": state, "assertion": good}
    if attack == "forged":
        params["assertion"] = good[:-4] + "AAAA"
    elif attack == "other_state":
        params["state"] = "another-state"
    elif attack == "replayed":
        services.citizen_verification_complete(user=newcomer, session=session, params=params)
        newcomer.identity_level = 1
        newcomer.save()
    elif attack == "not_started":
        session.pop(VERIFICATION_SESSION_KEY)

    with pytest.raises(VerificationFailed):
        services.citizen_verification_complete(user=newcomer, session=session, params=params)

    newcomer.refresh_from_db()
    assert newcomer.identity_level == 1


def test_a_verification_started_by_one_account_does_not_verify_another(newcomer):
    session: dict = {}
    state = _start(newcomer, session)
    other = UserFactory(real_name="周一", id_number=id_number_for(704))
    answer = assertion_sign(
        state=state, outcome="verified", real_name="周一", id_number=id_number_for(704)
    )

    with pytest.raises(VerificationFailed):
        services.citizen_verification_complete(
            user=other, session=session, params={"state": state, "assertion": answer}
        )

    other.refresh_from_db()
    assert other.identity_level == 1


def test_a_provider_never_lowers_a_level(newcomer, clerk):
    services.citizen_verify_at_counter(
        actor=clerk, user=newcomer, id_number=id_number_for(701), real_name="周一"
    )
    session: dict = {}
    state = _start(newcomer, session)
    answer = assertion_sign(
        state=state, outcome="verified", real_name="周一", id_number=id_number_for(701)
    )

    services.citizen_verification_complete(
        user=newcomer, session=session, params={"state": state, "assertion": answer}
    )

    newcomer.refresh_from_db()
    assert (newcomer.identity_level, newcomer.identity_method) == (3, "counter")


@override_settings(ECITY_IDENTITY_PROVIDERS=[])
def test_no_provider_is_enabled_unless_named_in_the_settings(newcomer, client):
    with pytest.raises(VerificationUnavailable):
        services.citizen_verification_start(
            user=newcomer, provider_name="demo", session={}, callback_url="/"
        )
    client.force_login(newcomer)

    assert (
        client.get(reverse("identity:demo_provider"), {"state": "x", "return_to": "/"}).status_code
        == 404
    )


# --- by the person registry ------------------------------------------------------------------


class MatchingRegistry(PersonRegistry):
    is_connected = True

    def person_match(self, *, real_name: str, id_number: str, phone: str) -> MatchResult:
        known = (real_name, id_number) == ("周一", id_number_for(701))
        return MatchResult(Match.MATCH if known else Match.MISMATCH, reference="R-1")


@override_settings(ECITY_PERSON_REGISTRY="ecity.identity.registries.NoPersonRegistry")
def test_without_a_person_registry_the_registry_channel_is_unavailable(newcomer):
    with pytest.raises(VerificationUnavailable):
        services.citizen_verify_by_registry(user=newcomer)

    newcomer.refresh_from_db()
    assert newcomer.identity_level == 1


@override_settings(ECITY_PERSON_REGISTRY=f"{HERE}.MatchingRegistry")
def test_a_connected_person_registry_verifies_a_match_and_refuses_a_mismatch(newcomer):
    squatter = UserFactory(real_name="冒名", id_number=id_number_for(705))

    services.citizen_verify_by_registry(user=newcomer)
    with pytest.raises(VerificationFailed):
        services.citizen_verify_by_registry(user=squatter)

    newcomer.refresh_from_db()
    squatter.refresh_from_db()
    assert (newcomer.identity_level, newcomer.identity_method) == (2, "registry")
    assert squatter.identity_level == 1


# --- the account page and the API ------------------------------------------------------------


def test_the_account_page_and_the_api_show_the_level(client, newcomer, clerk):
    client.force_login(newcomer)
    before = client.get(reverse("identity:profile")).content.decode()
    services.citizen_verify_at_counter(
        actor=clerk, user=newcomer, id_number=id_number_for(701), real_name="周一"
    )
    after = client.get(reverse("identity:profile")).content.decode()
    me = client.get("/api/v1/identity/me/").json()

    assert "Registered" in before and reverse("identity:verify") in before
    assert "Verified in person" in after
    assert (me["identity_level"], me["identity_method"], me["is_real_name_verified"]) == (
        3,
        "counter",
        True,
    )


def test_get_verified_page_lists_the_channels(client, newcomer):
    client.force_login(newcomer)

    response = client.get(reverse("identity:verify"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Verify with Demo e-ID (simulated)" in page
    assert "Verification at a service counter" in page
