"""Writes of citizens and enterprises: registration, profile, enterprises and agents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity import selectors, services
from ecity.identity.models import AgentAuthorisation, LegalEntity, User
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    UserFactory,
    id_number_for,
    uscc_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English (the msgids)."""
    with translation.override("en"):
        yield


GOOD = {
    "username": "wangwu",
    "password": "a-Long-pass-phrase",
    "real_name": "王五",
    "id_number": id_number_for(501),
    "phone": "13900000501",
    "email": "wangwu@example.cn",
}


def _wrong_check_char(id_number: str) -> str:
    return id_number[:-1] + ("0" if id_number[-1] != "0" else "1")


def test_citizen_register_creates_unverified_account_with_hashed_password():
    user = services.citizen_register(**GOOD)

    assert user.pk is not None
    assert user.real_name == "王五"
    assert user.is_real_name_verified is False
    assert user.password != GOOD["password"]
    assert user.check_password(GOOD["password"])


def test_citizen_register_normalises_identifiers():
    data = {**GOOD, "id_number": id_number_for(502).lower(), "phone": "+86 139-0000-0502"}
    data["email"] = "WangWu@Example.CN"

    user = services.citizen_register(**data)

    assert user.id_number == id_number_for(502).upper()
    assert user.phone == "13900000502"
    assert user.email == "wangwu@example.cn"


def test_citizen_register_reports_every_invalid_field_and_writes_nothing():
    bad = {
        "username": "12345678901",
        "password": "123",
        "real_name": "",
        "id_number": _wrong_check_char(id_number_for(503)),
        "phone": "12345",
        "email": "not-an-address",
    }

    with pytest.raises(ValidationFailed) as caught:
        services.citizen_register(**bad)

    assert set(caught.value.fields) == {
        "username",
        "password",
        "real_name",
        "id_number",
        "phone",
        "email",
    }
    assert User.objects.count() == 0


def test_citizen_register_refuses_duplicate_id_number_phone_email_and_username():
    existing = UserFactory(username="taken", email="taken@example.cn")

    with pytest.raises(ValidationFailed) as caught:
        services.citizen_register(
            **{
                **GOOD,
                "username": "TAKEN",
                "id_number": existing.id_number,
                "phone": existing.phone,
                "email": "Taken@Example.cn",
            }
        )

    fields = caught.value.fields
    assert fields["username"] == ["This username is already taken."]
    assert fields["id_number"] == ["An account with this ID number is already registered."]
    assert fields["phone"] == ["An account with this phone number is already registered."]
    assert fields["email"] == ["An account with this e-mail address is already registered."]
    assert User.objects.count() == 1


def test_citizen_register_refuses_password_similar_to_username():
    with pytest.raises(ValidationFailed) as caught:
        services.citizen_register(
            **{**GOOD, "username": "wangwu-longname", "password": "wangwu-longname"}
        )

    assert list(caught.value.fields) == ["password"]


def test_profile_update_changes_only_given_fields():
    user = UserFactory(address="旧地址", preferred_language="zh-hans")

    services.profile_update(user=user, preferred_language="en")

    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert user.address == "旧地址"


def test_profile_update_refuses_a_new_phone_or_email_and_keeps_the_stored_ones():
    # The e-mail address and phone change only with re-authentication and confirmation
    # (services.account_changes); profile_update must not be a way around that.
    user = UserFactory()
    stored = (user.phone, user.email)

    with pytest.raises(ValidationFailed) as caught:
        services.profile_update(user=user, phone="13900000777", email="new@example.cn")
    services.profile_update(user=user, phone=user.phone, email=user.email.upper())

    user.refresh_from_db()
    assert set(caught.value.fields) == {"phone", "email"}
    assert (user.phone, user.email) == stored


def test_legal_entity_register_makes_representative_when_id_numbers_match():
    citizen = UserFactory(is_real_name_verified=True)

    authorisation = services.legal_entity_register(
        actor=citizen,
        uscc=uscc_for(41),
        name="示范商贸有限公司",
        legal_representative_name=citizen.real_name,
        legal_representative_id_number=citizen.id_number,
    )

    assert authorisation.role == AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    assert authorisation.legal_entity.is_verified is False
    assert authorisation.user == citizen


ZHAO_LIU = {
    "legal_representative_name": "赵六",
    "legal_representative_id_number": id_number_for(66),
}


def test_legal_entity_register_makes_administrator_otherwise():
    citizen = UserFactory(is_real_name_verified=True)

    authorisation = services.legal_entity_register(
        actor=citizen, uscc=uscc_for(42), name="示范物流有限公司", **ZHAO_LIU
    )

    assert authorisation.role == AgentAuthorisation.Role.ADMINISTRATOR
    entry = AuditEntry.objects.get(action="legal_entity.registered")
    assert (entry.actor, entry.acting_for_uscc, entry.data) == (
        citizen,
        uscc_for(42),
        {"role": "administrator"},
    )


def test_legal_entity_register_needs_the_legal_representatives_id_number():
    citizen = UserFactory(is_real_name_verified=True)

    with pytest.raises(ValidationFailed) as caught:
        services.legal_entity_register(
            actor=citizen,
            uscc=uscc_for(46),
            name="示范物流有限公司",
            legal_representative_name="赵六",
        )

    assert list(caught.value.fields) == ["legal_representative_id_number"]
    assert not LegalEntity.objects.exists()


def test_legal_entity_register_refuses_duplicate_and_invalid_uscc():
    citizen = UserFactory(is_real_name_verified=True)
    services.legal_entity_register(actor=citizen, uscc=uscc_for(43), name="一号公司", **ZHAO_LIU)

    with pytest.raises(ValidationFailed) as duplicate:
        services.legal_entity_register(
            actor=citizen, uscc=uscc_for(43), name="二号公司", **ZHAO_LIU
        )
    bad = uscc_for(44)[:-1] + ("0" if uscc_for(44)[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as invalid:
        services.legal_entity_register(actor=citizen, uscc=bad, name="三号公司", **ZHAO_LIU)

    assert list(duplicate.value.fields) == ["uscc"]
    assert list(invalid.value.fields) == ["uscc"]
    assert LegalEntity.objects.count() == 1


def test_legal_entity_register_needs_real_name_and_id_number():
    anonymous_citizen = UserFactory(real_name="", id_number="")

    with pytest.raises(PermissionDenied):
        services.legal_entity_register(
            actor=anonymous_citizen, uscc=uscc_for(45), name="X", legal_representative_name="Y"
        )


def test_agent_grant_by_id_number_and_name(citizen, enterprise_a):
    colleague = UserFactory(real_name="钱七", is_real_name_verified=True)

    authorisation = services.agent_grant(
        actor=citizen,
        legal_entity=enterprise_a,
        id_number=colleague.id_number,
        real_name="钱七",
    )

    assert authorisation.user == colleague
    assert authorisation.role == AgentAuthorisation.Role.AGENT
    assert authorisation.granted_by == citizen
    assert selectors.authorisation_for(user=colleague, legal_entity=enterprise_a) is not None


def test_agent_grant_requires_matching_name(citizen, enterprise_a):
    colleague = UserFactory(real_name="钱七")

    with pytest.raises(ValidationFailed) as caught:
        services.agent_grant(
            actor=citizen,
            legal_entity=enterprise_a,
            id_number=colleague.id_number,
            real_name="钱八",
        )

    assert caught.value.fields["id_number"] == [
        "No registered account matches this ID number and name."
    ]


def test_plain_agent_cannot_grant(enterprise_a):
    agent = AgentAuthorisationFactory(legal_entity=enterprise_a).user

    with pytest.raises(PermissionDenied):
        services.agent_grant(actor=agent, legal_entity=enterprise_a, user=UserFactory())


def test_agent_of_a_cannot_grant_for_b(citizen, enterprise_a, enterprise_b):
    with pytest.raises(PermissionDenied):
        services.agent_grant(actor=citizen, legal_entity=enterprise_b, user=UserFactory())


def test_nobody_appoints_a_legal_representative_by_a_grant(citizen, enterprise_a, platform_admin):
    newcomer = UserFactory(is_real_name_verified=True)

    with pytest.raises(ValidationFailed) as by_representative:
        services.agent_grant(
            actor=citizen,
            legal_entity=enterprise_a,
            user=newcomer,
            role=AgentAuthorisation.Role.LEGAL_REPRESENTATIVE,
        )
    with pytest.raises(PermissionDenied):
        services.agent_grant(
            actor=platform_admin,
            legal_entity=enterprise_a,
            user=newcomer,
            role=AgentAuthorisation.Role.LEGAL_REPRESENTATIVE,
        )

    assert list(by_representative.value.fields) == ["role"]
    assert selectors.authorisation_for(user=newcomer, legal_entity=enterprise_a) is None


def test_agent_revoke_then_regrant_reactivates(citizen, enterprise_a):
    colleague = UserFactory(is_real_name_verified=True)
    authorisation = services.agent_grant(actor=citizen, legal_entity=enterprise_a, user=colleague)

    services.agent_revoke(actor=citizen, authorisation=authorisation)
    revoked_current = selectors.authorisation_for(user=colleague, legal_entity=enterprise_a)
    again = services.agent_grant(actor=citizen, legal_entity=enterprise_a, user=colleague)

    assert revoked_current is None
    assert again.pk == authorisation.pk
    assert again.is_active is True


def test_last_manager_cannot_be_revoked(citizen, enterprise_a):
    own = selectors.authorisation_for(user=citizen, legal_entity=enterprise_a)

    with pytest.raises(ValidationFailed):
        services.agent_revoke(actor=citizen, authorisation=own)

    own.refresh_from_db()
    assert own.is_active is True


def test_agent_may_resign_but_not_revoke_others(enterprise_a):
    first = AgentAuthorisationFactory(legal_entity=enterprise_a)
    second = AgentAuthorisationFactory(legal_entity=enterprise_a)

    with pytest.raises(PermissionDenied):
        services.agent_revoke(actor=first.user, authorisation=second)
    services.agent_revoke(actor=first.user, authorisation=first)

    first.refresh_from_db()
    assert first.is_active is False


def test_expired_authorisation_does_not_count(citizen):
    authorisation = AgentAuthorisationFactory(
        user=citizen, valid_until=timezone.localdate() - dt.timedelta(days=1)
    )

    assert (
        selectors.authorisation_for(user=citizen, legal_entity=authorisation.legal_entity) is None
    )
    assert list(selectors.legal_entities_for(user=citizen)) == []


def test_acting_identity_switch_stores_entity_in_session(citizen, enterprise_a):
    session: dict = {}

    identity = services.acting_identity_switch(
        user=citizen, session=session, legal_entity=enterprise_a
    )

    assert identity.kind == "enterprise"
    assert identity.legal_entity == enterprise_a
    assert session[selectors.ACTING_SESSION_KEY] == str(enterprise_a.public_id)


def test_acting_identity_switch_refuses_foreign_enterprise(citizen, enterprise_a, enterprise_b):
    session: dict = {}

    with pytest.raises(PermissionDenied):
        services.acting_identity_switch(user=citizen, session=session, legal_entity=enterprise_b)

    assert selectors.ACTING_SESSION_KEY not in session


def test_citizen_register_requires_email():
    with pytest.raises(ValidationFailed) as caught:
        services.citizen_register(**{**GOOD, "email": "  "})

    assert caught.value.fields == {"email": ["This field is required."]}
