"""Enterprise verification and who acts for an enterprise.

The attack these close (issue 8, "Enterprise identity"): a citizen could register any
unregistered USCC without proof, become its administrator and act in its name. An enterprise is
unverified until a clerk has checked its business licence (or the legal-entity registry its
record) and its legal representative's verified identity matches the record; until then nobody
acts for it, and only its administrators grant agents.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity import selectors, services
from ecity.identity.errors import (
    EnterpriseNotVerified,
    IdentityLevelRequired,
    VerificationUnavailable,
)
from ecity.identity.models import AgentAuthorisation, LegalEntity
from ecity.identity.registries import LegalEntityRegistry, Match, MatchResult
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    UserFactory,
    id_number_for,
    uscc_for,
)

pytestmark = pytest.mark.django_db

HERE = "ecity.identity.tests.test_enterprise_verification"
USCC = uscc_for(801)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def representative(db):
    """王五, the real legal representative of 王五餐饮有限公司, verified."""
    return UserFactory(
        username="wangwu",
        real_name="王五",
        id_number=id_number_for(801),
        is_real_name_verified=True,
    )


@pytest.fixture
def attacker(db):
    return UserFactory(username="attacker", real_name="冒名", is_real_name_verified=True)


def _register(actor, **overrides) -> LegalEntity:
    data = {
        "uscc": USCC,
        "name": "王五餐饮有限公司",
        "legal_representative_name": "王五",
        "legal_representative_id_number": id_number_for(801),
        **overrides,
    }
    return services.legal_entity_register(actor=actor, **data).legal_entity


# --- the attack ------------------------------------------------------------------------------


def test_registering_someone_elses_uscc_gives_no_power_to_act_for_it(attacker, representative):
    # Given a citizen who registers an enterprise that is not theirs (becoming its administrator)
    entity = _register(attacker)
    assert selectors.authorisation_for(user=attacker, legal_entity=entity).role == "administrator"
    session: dict = {}

    # When they try to act for it, authorise an accomplice, or see it among their identities
    with pytest.raises(EnterpriseNotVerified) as switch:
        services.acting_identity_switch(user=attacker, session=session, legal_entity=entity)
    with pytest.raises(EnterpriseNotVerified):
        services.agent_grant(actor=attacker, legal_entity=entity, user=UserFactory())
    identities = selectors.acting_identities(user=attacker)

    # Then nothing: the session acts as the citizen, and the message says how to verify
    assert session == {}
    assert "business licence" in switch.value.message
    assert [i.kind for i in identities] == ["citizen"]
    assert not selectors.can_act_for(user=attacker, legal_entity=entity)


def test_a_session_that_acted_for_an_enterprise_falls_back_when_it_is_not_verified(citizen):
    entity = LegalEntityFactory(is_verified=False)
    AgentAuthorisationFactory(legal_entity=entity, user=citizen, role="administrator")
    session = {selectors.ACTING_SESSION_KEY: str(entity.public_id)}

    identity = selectors.acting_identity(user=citizen, session=session)

    assert identity.kind == "citizen"


def test_a_registered_only_citizen_cannot_register_or_act_for_an_enterprise(enterprise_a):
    newcomer = UserFactory()
    AgentAuthorisationFactory(legal_entity=enterprise_a, user=newcomer)

    with pytest.raises(IdentityLevelRequired):
        _register(newcomer, uscc=uscc_for(802))
    with pytest.raises(IdentityLevelRequired):
        services.acting_identity_switch(user=newcomer, session={}, legal_entity=enterprise_a)

    assert not LegalEntity.objects.filter(uscc=uscc_for(802)).exists()


# --- verification at a counter ---------------------------------------------------------------


def test_a_clerk_verifies_an_enterprise_against_its_licence(clerk, representative, attacker):
    # Given an enterprise its legal representative's colleague registered (as administrator)
    entity = _register(attacker)

    # When the clerk checks the licence brought to the counter
    services.legal_entity_verify_at_counter(
        actor=clerk,
        legal_entity=entity,
        name_on_licence="王五餐饮有限公司",
        representative_on_licence="王五",
    )

    # Then it is verified by that clerk, its legal representative acts for it, the registrant
    # (vouched for by nobody) no longer does, all on record
    entity.refresh_from_db()
    assert (entity.is_verified, entity.verification_method, entity.verified_by) == (
        True,
        "counter",
        clerk,
    )
    own = selectors.authorisation_for(user=representative, legal_entity=entity)
    assert own.role == AgentAuthorisation.Role.LEGAL_REPRESENTATIVE
    assert selectors.can_act_for(user=representative, legal_entity=entity)
    assert not selectors.can_act_for(user=attacker, legal_entity=entity)
    entries = AuditEntry.objects.filter(acting_for_uscc=USCC).order_by("id")
    assert [(e.action, e.actor.username, e.subject.username) for e in entries] == [
        ("legal_entity.registered", "attacker", "attacker"),
        ("legal_entity.verified", "clerk", "wangwu"),
        ("agent.granted", "clerk", "wangwu"),
        ("agent.revoked", "clerk", "attacker"),
    ]


@pytest.mark.parametrize(
    ("name", "representative_name", "field"),
    [
        ("另一家公司", "王五", "name_on_licence"),
        ("王五餐饮有限公司", "赵六", "representative_on_licence"),
    ],
)
def test_a_licence_that_differs_from_the_record_does_not_verify(
    clerk, representative, name, representative_name, field
):
    entity = _register(representative)

    with pytest.raises(ValidationFailed) as caught:
        services.legal_entity_verify_at_counter(
            actor=clerk,
            legal_entity=entity,
            name_on_licence=name,
            representative_on_licence=representative_name,
        )

    entity.refresh_from_db()
    assert not entity.is_verified
    assert list(caught.value.fields) == [field]


def test_the_legal_representative_must_be_verified_for_the_enterprise_to_be(clerk, attacker):
    # Given an enterprise whose legal representative has an account, registered only
    UserFactory(real_name="王五", id_number=id_number_for(801))
    entity = _register(attacker)

    with pytest.raises(ValidationFailed) as caught:
        services.legal_entity_verify_at_counter(
            actor=clerk,
            legal_entity=entity,
            name_on_licence="王五餐饮有限公司",
            representative_on_licence="王五",
        )

    entity.refresh_from_db()
    assert not entity.is_verified
    assert "not real-name verified" in caught.value.message


def test_a_legal_representative_without_an_account_blocks_verification(clerk, attacker):
    entity = _register(attacker)

    with pytest.raises(ValidationFailed):
        services.legal_entity_verify_at_counter(
            actor=clerk,
            legal_entity=entity,
            name_on_licence="王五餐饮有限公司",
            representative_on_licence="王五",
        )

    entity.refresh_from_db()
    assert not entity.is_verified


def test_only_counter_clerks_verify_enterprises(representative, department_admin):
    entity = _register(representative)

    for actor in (representative, department_admin):
        with pytest.raises(PermissionDenied):
            services.legal_entity_verify_at_counter(
                actor=actor,
                legal_entity=entity,
                name_on_licence="王五餐饮有限公司",
                representative_on_licence="王五",
            )

    entity.refresh_from_db()
    assert not entity.is_verified


def test_counter_enterprise_page_verifies_with_the_licence(client, clerk, representative):
    entity = _register(representative)
    client.force_login(clerk)
    url = reverse("identity:counter_enterprise")

    found = client.get(url, {"uscc": USCC.lower()})
    verified = client.post(
        url,
        {
            "entity": str(entity.public_id),
            "name_on_licence": "王五餐饮有限公司",
            "representative_on_licence": "王五",
            "licence_seen": "on",
        },
    )

    assert found.status_code == 200
    assert found.context["entity"] == entity
    assert found.context["representative_is_verified"] is True
    assert verified.status_code == 302
    entity.refresh_from_db()
    assert entity.is_verified


def test_the_enterprise_page_tells_an_unverified_enterprise_how_to_get_verified(
    client, representative
):
    entity = _register(representative)
    client.force_login(representative)

    response = client.get(reverse("identity:enterprise_detail", args=[entity.public_id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "This enterprise is not verified yet" in page
    assert "Authorise a person" not in page


# --- verification by the legal-entity registry -----------------------------------------------


class MatchingLegalEntityRegistry(LegalEntityRegistry):
    is_connected = True

    def legal_entity_match(self, **record: str) -> MatchResult:
        ok = record["uscc"] == USCC and record["legal_representative_name"] == "王五"
        return MatchResult(Match.MATCH if ok else Match.MISMATCH, reference="L-1")


@override_settings(ECITY_LEGAL_ENTITY_REGISTRY="ecity.identity.registries.NoLegalEntityRegistry")
def test_without_a_legal_entity_registry_the_registry_channel_is_unavailable(representative):
    entity = _register(representative)

    with pytest.raises(VerificationUnavailable):
        services.legal_entity_verify_by_registry(actor=representative, legal_entity=entity)

    entity.refresh_from_db()
    assert not entity.is_verified


@override_settings(ECITY_LEGAL_ENTITY_REGISTRY=f"{HERE}.MatchingLegalEntityRegistry")
def test_the_registry_verifies_when_the_legal_representative_asks(representative, attacker):
    entity = _register(attacker)

    with pytest.raises(PermissionDenied):
        services.legal_entity_verify_by_registry(actor=attacker, legal_entity=entity)
    services.legal_entity_verify_by_registry(actor=representative, legal_entity=entity)

    entity.refresh_from_db()
    assert (entity.is_verified, entity.verification_method) == (True, "registry")
    assert selectors.can_act_for(user=representative, legal_entity=entity)


# --- who grants agents -----------------------------------------------------------------------


def test_only_the_enterprises_administrators_grant_agents(enterprise_a, citizen, platform_admin):
    agent = AgentAuthorisationFactory(legal_entity=enterprise_a, user__is_real_name_verified=True)
    administrator = AgentAuthorisationFactory(
        legal_entity=enterprise_a, user__is_real_name_verified=True, role="administrator"
    )
    candidate = UserFactory(is_real_name_verified=True)

    for actor in (agent.user, platform_admin):
        with pytest.raises(PermissionDenied):
            services.agent_grant(actor=actor, legal_entity=enterprise_a, user=candidate)
    granted = services.agent_grant(
        actor=administrator.user, legal_entity=enterprise_a, user=candidate
    )

    assert granted.granted_by == administrator.user
    entry = AuditEntry.objects.get(action="agent.granted", subject=candidate)
    assert (entry.actor, entry.acting_for_uscc) == (administrator.user, enterprise_a.uscc)


def test_platform_administrators_do_not_revoke_agents(enterprise_a, platform_admin):
    agent = AgentAuthorisationFactory(legal_entity=enterprise_a, user__is_real_name_verified=True)

    with pytest.raises(PermissionDenied):
        services.agent_revoke(actor=platform_admin, authorisation=agent)

    agent.refresh_from_db()
    assert agent.is_active


def test_an_agent_must_be_real_name_verified_to_be_authorised(citizen, enterprise_a):
    newcomer = UserFactory(real_name="孙九")

    with pytest.raises(ValidationFailed) as caught:
        services.agent_grant(
            actor=citizen, legal_entity=enterprise_a, id_number=newcomer.id_number, real_name="孙九"
        )

    assert "not real-name verified" in caught.value.fields["id_number"][0]
