"""Two cities trust each other through a signed configuration and a pinned node key."""

from __future__ import annotations

import base64
import copy
import datetime as dt
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ecity.core import vault
from ecity.core.errors import Conflict, PermissionDenied
from ecity.core.models import SigningKey
from ecity.exchange import services
from ecity.exchange.canonical import Envelope, payload_hash
from ecity.exchange.envelope import envelope_open
from ecity.exchange.errors import EnvelopeRefused, ExchangeErrorCode, FederationRefused
from ecity.exchange.federation import federation_config_export, signed_bytes
from ecity.exchange.models import Member, RemoteInstance, Subsystem
from ecity.exchange.services.federation import federation_config_import
from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

PAYLOAD = {"事项": "户籍迁入", "状态": "已办结"}


@dataclass
class CityB:
    document: dict[str, Any]
    node_kid: str
    node_pem: str
    sender: str
    sender_kid: str
    sender_pem: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@pytest.fixture
def city_b(settings) -> CityB:
    """City B's configuration, exported by B's own code; then B's rows leave this database."""
    settings.ECITY_EXCHANGE_INSTANCE = "CN-B"
    settings.ECITY_EXCHANGE_GATEWAY_URL = "https://exchange.b.example.cn"
    department = DepartmentFactory(code="B-GAJ", name_zh="乙市公安局")
    member = services.member_register(
        actor=None, member_class="GOV", code="GAJ", name="乙市公安局", department=department
    )
    first = services.subsystem_register(actor=None, member=member, code="HJ", name="户籍系统")
    services.subsystem_register(actor=None, member=member, code="CR", name="出入境系统")
    services.subsystem_key_rotate(actor=None, subsystem=first)
    document = federation_config_export()
    node = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner="")
    key = vault.key_current(purpose=vault.Purpose.EXCHANGE, owner=first.identifier)
    b = CityB(
        document=document,
        node_kid=node.kid,
        node_pem=vault.private_pem_of(node),
        sender=first.identifier,
        sender_kid=key.kid,
        sender_pem=vault.private_pem_of(key),
    )
    # City A's database knows nothing of B.
    Subsystem.objects.all().delete()
    Member.objects.all().delete()
    SigningKey.objects.filter(purpose=vault.Purpose.EXCHANGE).delete()
    settings.ECITY_EXCHANGE_INSTANCE = "CN-A"
    settings.ECITY_EXCHANGE_GATEWAY_URL = "https://exchange.a.example.cn"
    return b


def _resign(b: CityB, document: dict[str, Any]) -> dict[str, Any]:
    document["signature"] = _b64(
        vault.algorithm_get("Ed25519").sign(b.node_pem, signed_bytes(document))
    )
    return document


def _envelope_from_b(b: CityB, message_id: str = "b-0001") -> dict[str, str]:
    unsigned = Envelope(
        message_id=message_id,
        sender=b.sender,
        created_at=timezone.now().isoformat(),
        payload_hash=payload_hash(PAYLOAD),
        alg="Ed25519",
        kid=b.sender_kid,
        receiver="CN-A/GOV/MZJ/SHJZ",
    )
    signature = vault.algorithm_get("Ed25519").sign(b.sender_pem, unsigned.signed_bytes())
    return {**unsigned.to_dict(), "signature": _b64(signature)}


def test_exported_configuration_lists_parties_keys_and_is_signed(city_b):
    document = city_b.document

    assert document["instance"] == "CN-B"
    assert document["gateway_url"] == "https://exchange.b.example.cn"
    assert [m["code"] for m in document["members"]] == ["GAJ"]
    hj = next(s for s in document["subsystems"] if s["identifier"] == city_b.sender)
    assert sorted(k["status"] for k in hj["keys"]) == ["current", "previous"]
    assert vault.algorithm_get("Ed25519").verify(
        document["node_key"]["public_key"],
        signed_bytes(document),
        base64.urlsafe_b64decode(document["signature"] + "=="),
    )


def test_remote_envelope_is_accepted_only_after_import(city_b):
    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(_envelope_from_b(city_b, "b-before"), PAYLOAD)
    assert refused.value.code == ExchangeErrorCode.UNKNOWN_SENDER

    remote = federation_config_import(
        city_b.document, actor=None, expected_node_kid=city_b.node_kid
    )

    envelope, sender = envelope_open(_envelope_from_b(city_b), PAYLOAD)
    assert (sender.identifier, sender.member.instance) == (city_b.sender, "CN-B")
    assert envelope.kid == city_b.sender_kid
    assert (remote.code, remote.gateway_url, remote.node_kid) == (
        "CN-B",
        "https://exchange.b.example.cn",
        city_b.node_kid,
    )
    trusted = SigningKey.objects.get(kid=city_b.sender_kid)
    assert (trusted.status, trusted.private_key) == ("current", "")


def test_configuration_signed_by_another_key_than_the_pinned_one_is_refused(city_b):
    with pytest.raises(FederationRefused) as refused:
        federation_config_import(city_b.document, actor=None, expected_node_kid="0" * 16)

    assert refused.value.code == ExchangeErrorCode.FEDERATION_UNTRUSTED_KEY
    assert not Subsystem.objects.exists()
    assert not RemoteInstance.objects.exists()


def test_tampered_configuration_is_refused(city_b):
    tampered = copy.deepcopy(city_b.document)
    tampered["subsystems"][0]["keys"][0]["public_key"] = base64.b64encode(b"x" * 32).decode()

    with pytest.raises(FederationRefused) as refused:
        federation_config_import(tampered, actor=None, expected_node_kid=city_b.node_kid)

    assert refused.value.code == ExchangeErrorCode.FEDERATION_BAD_SIGNATURE
    assert not Subsystem.objects.exists()


def test_vanished_subsystem_is_disabled_by_the_next_configuration(city_b):
    federation_config_import(city_b.document, actor=None, expected_node_kid=city_b.node_kid)
    newer = copy.deepcopy(city_b.document)
    newer["subsystems"] = [s for s in newer["subsystems"] if s["identifier"] != city_b.sender]
    newer["generated_at"] = (timezone.now() + dt.timedelta(minutes=1)).isoformat()

    federation_config_import(_resign(city_b, newer), actor=None, expected_node_kid=city_b.node_kid)

    assert not Subsystem.objects.get(identifier=city_b.sender).is_enabled
    assert Subsystem.objects.get(identifier="CN-B/GOV/GAJ/CR").is_enabled
    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(_envelope_from_b(city_b), PAYLOAD)
    assert refused.value.code == ExchangeErrorCode.SENDER_DISABLED


def test_a_key_the_next_configuration_no_longer_lists_stops_verifying(city_b):
    # given B's configuration imported, then a newer one where B dropped the sender's current
    # key (compromised: B rotated it away and lists only its other key)
    federation_config_import(city_b.document, actor=None, expected_node_kid=city_b.node_kid)
    newer = copy.deepcopy(city_b.document)
    hj = next(s for s in newer["subsystems"] if s["identifier"] == city_b.sender)
    hj["keys"] = [k for k in hj["keys"] if k["kid"] != city_b.sender_kid]
    hj["keys"][0]["status"] = "current"
    newer["generated_at"] = (timezone.now() + dt.timedelta(minutes=1)).isoformat()

    # when A imports it
    federation_config_import(_resign(city_b, newer), actor=None, expected_node_kid=city_b.node_kid)

    # then a message signed with the dropped key is refused, and the key is retired in A's vault
    with pytest.raises(EnvelopeRefused) as refused:
        envelope_open(_envelope_from_b(city_b, "b-dropped"), PAYLOAD)
    assert refused.value.code == ExchangeErrorCode.BAD_SIGNATURE
    assert SigningKey.objects.get(kid=city_b.sender_kid).status == "retired"


def test_older_configuration_cannot_roll_back_a_newer_one(city_b):
    newer = copy.deepcopy(city_b.document)
    newer["generated_at"] = (timezone.now() + dt.timedelta(minutes=1)).isoformat()
    federation_config_import(_resign(city_b, newer), actor=None, expected_node_kid=city_b.node_kid)

    with pytest.raises(FederationRefused) as refused:
        federation_config_import(city_b.document, actor=None, expected_node_kid=city_b.node_kid)

    assert refused.value.code == ExchangeErrorCode.FEDERATION_OUTDATED


def test_configuration_may_not_speak_for_another_city(city_b):
    forged = copy.deepcopy(city_b.document)
    forged["subsystems"][0]["identifier"] = "CN-A/GOV/GAJ/HJ"

    with pytest.raises(FederationRefused) as refused:
        federation_config_import(
            _resign(city_b, forged), actor=None, expected_node_kid=city_b.node_kid
        )

    assert refused.value.code == ExchangeErrorCode.FEDERATION_MALFORMED
    assert "subsystems[0]" in refused.value.fields


def test_only_platform_admins_import(city_b):
    clerk = StaffRoleFactory(role=StaffRole.Role.DEPARTMENT_ADMIN).user

    with pytest.raises(PermissionDenied):
        federation_config_import(city_b.document, actor=clerk, expected_node_kid=city_b.node_kid)


def test_remote_parties_are_not_changed_by_local_services(city_b):
    federation_config_import(city_b.document, actor=None, expected_node_kid=city_b.node_kid)
    with pytest.raises(Conflict) as conflict:
        services.subsystem_update(
            actor=None, subsystem=Subsystem.objects.get(identifier=city_b.sender), is_enabled=True
        )
    assert conflict.value.code == ExchangeErrorCode.REMOTE_PARTY


def test_operators_exchange_the_configuration_with_the_commands(settings, tmp_path):
    settings.ECITY_EXCHANGE_INSTANCE = "CN-B"
    member = services.member_register(
        actor=None,
        member_class="GOV",
        code="GAJ",
        name="乙市公安局",
        department=DepartmentFactory(code="B-GAJ"),
    )
    services.subsystem_register(actor=None, member=member, code="HJ", name="户籍系统")
    err = StringIO()
    call_command("exchange_federation_export", "--output", str(tmp_path / "b.json"), stderr=err)
    node_kid = err.getvalue().rsplit(": ", 1)[1].strip()
    Subsystem.objects.all().delete()
    Member.objects.all().delete()
    SigningKey.objects.filter(purpose=vault.Purpose.EXCHANGE).delete()
    settings.ECITY_EXCHANGE_INSTANCE = "CN-A"

    with pytest.raises(CommandError, match="exchange_federation_untrusted_key"):
        call_command("exchange_federation_import", str(tmp_path / "b.json"), "--node-kid", "x")
    out = StringIO()
    call_command(
        "exchange_federation_import", str(tmp_path / "b.json"), "--node-kid", node_kid, stdout=out
    )

    assert out.getvalue().startswith(f"Imported CN-B (gateway -, node key {node_kid}")
    assert Subsystem.objects.get().identifier == "CN-B/GOV/GAJ/HJ"
