"""The steps of the two-cities proof (test_two_cities.py), each run in one node's own process.

Run as ``python -m ecity.exchange.tests.two_cities_support <action> [options]`` with the node's
``DATABASE_URL`` and ``ECITY_EXCHANGE_INSTANCE``; every action prints one JSON line. The parties
are made through the services, as a department administrator would through the admin pages.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

TOPIC = "registry.household.changed"
EVENT = "registry.household.changed"
SCHEMA = {
    "type": "object",
    "required": ["household", "n"],
    "properties": {"household": {"type": "string"}, "n": {"type": "integer"}},
}


def _admin(department: Any) -> Any:
    from ecity.identity.tests.factories import StaffRoleFactory
    from ecity.org.models import StaffRole

    role = StaffRole.objects.filter(department=department, role="department_admin").first()
    return (
        role.user if role else StaffRoleFactory(department=department, role="department_admin").user
    )


def setup_b(options: argparse.Namespace) -> dict[str, Any]:
    """City B: the police's household system provides a service and owns a topic."""
    from ecity.exchange import services
    from ecity.exchange.models import Service
    from ecity.exchange.services.registry import service_register
    from ecity.exchange.services.topics import topic_save, topic_schema_add
    from ecity.exchange.tests.conftest import PERSONS_OPENAPI
    from ecity.identity.tests.factories import DepartmentFactory

    police = DepartmentFactory(code="B-GAJ", name_zh="乙市公安局")
    member = services.member_register(
        actor=None, member_class="GOV", code="GAJ", name="乙市公安局", department=police
    )
    hukou = services.subsystem_register(actor=None, member=member, code="hukou", name="户籍系统")
    admin = _admin(police)
    service = service_register(
        actor=admin,
        provider=hukou,
        code="persons",
        kind=Service.Kind.REST,
        base_url=options.provider_url,
        title_zh="户籍人口查询",
        owner_contact="户政科",
        openapi=PERSONS_OPENAPI,
    )
    topic = topic_save(actor=None, owner=hukou, name=TOPIC, description_zh="户籍变更")
    topic_schema_add(actor=None, topic=topic, event_type=EVENT, schema=SCHEMA)
    return {"service": service.identifier, "topic": topic.name}


def setup_a(options: argparse.Namespace) -> dict[str, Any]:
    """City A: the civil-affairs system, with client credentials for its own city's gateway."""
    from ecity.exchange import services
    from ecity.identity.tests.factories import DepartmentFactory, StaffRoleFactory
    from ecity.sso.services import system_client_register

    civil = DepartmentFactory(code="A-MZJ", name_zh="甲市民政局")
    platform_admin = StaffRoleFactory(role="platform_admin", department=None).user
    application, secret = system_client_register(
        actor=platform_admin, name="社会救助系统", department=civil
    )
    member = services.member_register(
        actor=None, member_class="GOV", code="MZJ", name="甲市民政局", department=civil
    )
    shjz = services.subsystem_register(
        actor=None, member=member, code="shjz", name="社会救助系统", application=application
    )
    return {"client": shjz.identifier, "client_id": application.client_id, "secret": secret}


def grant_b(options: argparse.Namespace) -> dict[str, Any]:
    """City B's police grants the persons service to city A's (imported) civil-affairs system."""
    from ecity.exchange.models import Service, Subsystem
    from ecity.exchange.services.access import access_right_grant

    service = Service.objects.select_related("provider__member__department").get(code="persons")
    client = Subsystem.objects.get(identifier=options.client)
    right = access_right_grant(
        actor=_admin(service.provider.member.department), client=client, service=service
    )
    return {"right": str(right.public_id)}


def subscribe_a(options: argparse.Namespace) -> dict[str, Any]:
    """City A's system asks city B for the topic (its node signs and seals the request)."""
    from ecity.exchange.models import Subsystem
    from ecity.exchange.services.federated_subscriptions import remote_subscription_request

    subscriber = Subsystem.objects.select_related("member").get(identifier=options.client)
    subscription = remote_subscription_request(
        actor=subscriber, subscriber=subscriber, instance="CN-B", topic=TOPIC, purpose="救助核查"
    )
    return {"subscription": str(subscription.public_id)}


def approve_b(options: argparse.Namespace) -> dict[str, Any]:
    """City B's topic owner approves city A's subscription."""
    from ecity.exchange.models import Subscription
    from ecity.exchange.services.subscriptions import subscription_approve

    subscription = Subscription.objects.select_related("topic__owner__member__department").get(
        subscriber__identifier=options.client
    )
    subscription_approve(
        actor=_admin(subscription.topic.owner.member.department), subscription=subscription
    )
    return {"push_url": subscription.push_url}


def publish_b(options: argparse.Namespace) -> dict[str, Any]:
    """Publish ``count`` messages with fixed IDs (a restarted burst re-publishes nothing)."""
    from ecity.exchange.models import Subsystem
    from ecity.exchange.services.publish import message_publish

    hukou = Subsystem.objects.get(code="hukou")
    for n in range(options.count):
        message_publish(
            publisher=hukou,
            topic=TOPIC,
            event_type=EVENT,
            payload={"household": f"H-{n:04d}", "n": n},
            key=f"H-{n % 10}",
            message_id=f"burst-{n:05d}",
        )
        print(n, flush=True)
    return {"published": options.count}


def counts(options: argparse.Namespace) -> dict[str, Any]:
    """What each node holds: publications, deliveries, inbox entries, log records per kind."""
    from django.db.models import Count, Sum

    from ecity.exchange.models import Delivery, InboxEntry, MessageLogRecord, Publication

    inbox = InboxEntry.objects.all()
    return {
        "publications": Publication.objects.count(),
        "inbox": inbox.count(),
        "inbox_distinct": inbox.values("message_id").distinct().count(),
        "deliveries": dict(
            Delivery.objects.values_list("status").annotate(n=Count("id")).order_by()
        ),
        "push_attempts": Delivery.objects.aggregate(n=Sum("attempts"))["n"] or 0,
        "log": {
            f"{p}:{k}": n
            for p, k, n in MessageLogRecord.objects.filter(partition=options.client)
            .values_list("partition", "kind")
            .annotate(n=Count("id"))
            .order_by()
        },
    }


ACTIONS = {
    "setup-a": setup_a,
    "setup-b": setup_b,
    "grant-b": grant_b,
    "subscribe-a": subscribe_a,
    "approve-b": approve_b,
    "publish-b": publish_b,
    "counts": counts,
}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="two_cities_support")
    parser.add_argument("action", choices=sorted(ACTIONS))
    parser.add_argument("--provider-url", default="")
    parser.add_argument("--client", default="CN-A/GOV/MZJ/shjz")
    parser.add_argument("--count", type=int, default=200)
    options = parser.parse_args(argv)
    import django

    django.setup()
    result = ACTIONS[options.action](options)
    print("RESULT " + json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
