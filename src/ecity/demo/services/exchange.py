"""The demo city's data exchange (城市互联): who exchanges what with whom, with some traffic.

Built only through the exchange, registry and core services, as the demo's staff:

* members ``{instance}/GOV/{code}`` for 公安局, 人社局, 市场监管局 and 统计局, one or two
  subsystems each; 人社局's ``sbyw`` is bound to its SSO system 社保业务系统;
* the platform's topics ``registry.person.changed``, ``registry.legal_entity.changed`` and
  ``cases.case.decided`` with approved **pull** subscriptions (no push URL to a placeholder);
* 公安局's REST service 人口信息核验 (OpenAPI document; the registry's sharing API is its
  backend) with an access right for 社保业务系统 tied to its sharing grant, and the SOAP service
  of the legacy 户籍管理系统 (marked legacy, reached through the SOAP adapter);
* 市场监管局's connector 新登记企业 (a CSV file shipped with the demo) with one successful run;
* traffic from real calls: the registry change events of the run (and of the demo's persons)
  go through the exchange's own event handlers onto the topics; 统计局's system pulls and
  acknowledges its messages, 人社局's messages wait for its system to pull them;
* gateway traffic from real calls (``exchange_calls``): 社保业务系统 verifies insured persons
  with 人口信息核验, is refused the legacy service and misspells a service code once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from ecity.core.events import events_deliver
from ecity.core.models import EventDelivery
from ecity.demo.data import exchange as data
from ecity.demo.services.exchange_calls import demo_gateway_calls_ensure
from ecity.exchange.models import (
    AccessRight,
    Connector,
    ConnectorRun,
    Member,
    MemberClass,
    Service,
    Subscription,
    Subsystem,
)
from ecity.exchange.services import member_register, subsystem_register
from ecity.exchange.services.access import access_right_grant
from ecity.exchange.services.bridge import BRIDGED_EVENTS, bridged_topic
from ecity.exchange.services.connectors import ConnectorValues, connector_run, connector_save
from ecity.exchange.services.delivery import messages_ack, messages_pull
from ecity.exchange.services.registry import EndpointInput, service_register
from ecity.exchange.services.subscriptions import subscription_approve, subscription_request
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import SharingGrant
from ecity.sso.models import ClientPolicy

# Outbox events whose exchange handlers publish on the demo's topics.
_BRIDGED = ("registry.person_changed", "registry.legal_entity_changed")


@dataclass
class DemoExchange:
    """What ``demo_exchange_ensure`` created (rows created now; existing ones are not counted)."""

    members: int = 0
    subsystems: int = 0
    subscriptions: int = 0
    services: int = 0
    access_rights: int = 0
    connector_runs: int = 0
    messages_published: int = 0
    messages_acknowledged: int = 0
    gateway_calls: int = 0


def demo_exchange_ensure(*, actor: User, system_secret: str = "") -> DemoExchange:
    """Make the demo city's exchange members, subscriptions, services and connector if missing.

    Idempotent: members, subsystems, subscriptions, services, rights and the connector are
    matched by identifier or name and left alone when they exist; the connector runs only
    when it has no successful run yet. ``actor`` is the platform administrator; department
    acts are done by the department's administrator (``deptadmin_gaj``, ``deptadmin_rsj``,
    ``deptadmin_scj``) and 统计局's subscriptions are requested by its system itself. Side
    effects: the audit entries of those services; the pending registry change events are
    delivered to their handlers now, so the topics carry them. ``system_secret`` is
    社保业务系统's client secret when it was registered by this load: its gateway calls are made
    then (once: a reload does not know the secret).
    """
    result = DemoExchange()
    departments = {
        d.code: d
        for d in Department.objects.filter(code__in={s.department for s in data.SUBSYSTEMS})
    }
    if len(departments) < len({s.department for s in data.SUBSYSTEMS}):
        return result  # not the demo city
    admins = {u.username: u for u in User.objects.filter(username__startswith="deptadmin_")}
    subsystems = _subsystems_ensure(result, actor=actor, departments=departments)
    _subscriptions_ensure(result, actor=actor, admins=admins, subsystems=subsystems)
    gaj_admin = admins.get("deptadmin_gaj")
    if gaj_admin is not None:
        _services_ensure(result, admin=gaj_admin, subsystems=subsystems)
    _connector_ensure(result, actor=actor, department=departments["SCJ"])
    _traffic_ensure(result, subsystems=subsystems)
    result.gateway_calls = demo_gateway_calls_ensure(
        client=subsystems["RSJ/sbyw"], client_secret=system_secret
    )
    return result


def _subsystems_ensure(
    result: DemoExchange, *, actor: User, departments: dict[str, Department]
) -> dict[str, Subsystem]:
    found: dict[str, Subsystem] = {}
    for entry in data.SUBSYSTEMS:
        department = departments[entry.department]
        member = Member.objects.filter(department=department, member_class=MemberClass.GOV).first()
        if member is None:
            member = member_register(
                actor=actor,
                member_class=MemberClass.GOV,
                code=department.code,
                name=department.name_zh,
                department=department,
            )
            result.members += 1
        subsystem = Subsystem.objects.filter(member=member, code=entry.code).first()
        if subsystem is None:
            application = None
            if entry.application:
                policy = (
                    ClientPolicy.objects.select_related("application")
                    .filter(department=department, application__name=entry.application)
                    .first()
                )
                application = policy.application if policy is not None else None
            subsystem = subsystem_register(
                actor=actor,
                member=member,
                code=entry.code,
                name=entry.name,
                application=application,
                contact=entry.contact,
            )
            result.subsystems += 1
        found[f"{entry.department}/{entry.code}"] = subsystem
    return found


def _subscriptions_ensure(
    result: DemoExchange,
    *,
    actor: User,
    admins: dict[str, User],
    subsystems: dict[str, Subsystem],
) -> None:
    topics = {name: bridged_topic(event) for event, (name, *_) in BRIDGED_EVENTS.items()}
    for entry in data.SUBSCRIPTIONS:
        subscriber = subsystems[entry.subscriber]
        topic = topics[entry.topic]
        if Subscription.objects.filter(subscriber=subscriber, topic=topic).exists():
            continue
        requester: User | Subsystem | None = (
            admins.get(entry.requested_by) if entry.requested_by else subscriber
        )
        if requester is None:
            continue
        subscription = subscription_request(
            actor=requester,
            subscriber=subscriber,
            topic=topic,
            mode=Subscription.Mode.PULL,
            purpose=entry.purpose,
        )
        # The platform's topics are decided by the platform administrator.
        subscription_approve(actor=actor, subscription=subscription, reason="用途明确，仅含标识")
        result.subscriptions += 1


def _services_ensure(
    result: DemoExchange, *, admin: User, subsystems: dict[str, Subsystem]
) -> None:
    population = Service.objects.filter(
        provider=subsystems["GAJ/rkxx"], code=data.POPULATION_SERVICE_CODE
    ).first()
    if population is None:
        population = service_register(
            actor=admin,
            provider=subsystems["GAJ/rkxx"],
            code=data.POPULATION_SERVICE_CODE,
            kind=Service.Kind.REST,
            # The registry's sharing API of this platform is the service's backend.
            base_url=settings.ECITY_SITE_URL.rstrip("/") + "/api/v1/registry/data/persons/1.0",
            title_zh="人口信息核验",
            title_en="Person identity verification",
            description="按公民身份号码核验姓名和出生日期；只返回共享授权中的数据项。",
            owner_contact="市公安局科技信息化处 0999-88110012",
            openapi=data.POPULATION_OPENAPI,
            version="1.0",
            sla_max_latency_ms=800,
            legal_basis="《中华人民共和国居民身份证法》第十三条；《政务信息资源共享管理暂行办法》",
            rate_limit_per_minute=300,
        )
        result.services += 1
    legacy = Service.objects.filter(
        provider=subsystems["GAJ/hjxt"], code=data.HOUSEHOLD_SERVICE_CODE
    ).first()
    if legacy is None:
        service_register(
            actor=admin,
            provider=subsystems["GAJ/hjxt"],
            code=data.HOUSEHOLD_SERVICE_CODE,
            kind=Service.Kind.SOAP,
            base_url=data.HOUSEHOLD_BASE_URL,
            wsdl=data.HOUSEHOLD_WSDL_URL,
            endpoints=[
                EndpointInput(
                    "POST",
                    "/household",
                    summary="按公民身份号码查询户籍登记信息",
                    soap_operation="QueryHousehold",
                    soap_mapping={"id_number": "sfzh"},
                )
            ],
            title_zh="户籍信息查询（遗留系统）",
            title_en="Household registration lookup (legacy system)",
            description=(
                "遗留户籍管理系统的 SOAP 接口，经应用整合适配器接入网关；"
                "计划由人口信息核验服务取代，新接入方请勿使用。"
            ),
            owner_contact="市公安局户政管理处 0999-88110020",
            version="2009",
            sla_max_latency_ms=3000,
            rate_limit_per_minute=60,
        )
        result.services += 1
    client = subsystems["RSJ/sbyw"]
    if AccessRight.objects.filter(client=client, service=population).exists():
        return
    if client.application_id is None:
        return
    grant = (
        SharingGrant.objects.filter(
            application_id=client.application_id, provider__code="GAJ", revoked_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if grant is None:
        return
    access_right_grant(
        actor=admin,
        client=client,
        service=population,
        valid_until=timezone.now() + dt.timedelta(days=365),
        sharing_grant=grant,
    )
    result.access_rights += 1


def _connector_ensure(result: DemoExchange, *, actor: User, department: Department) -> None:
    connector = Connector.objects.filter(department=department, name=data.CONNECTOR_NAME).first()
    if connector is None:
        connector = connector_save(
            actor=None,
            connector=None,
            values=ConnectorValues(
                name=data.CONNECTOR_NAME,
                title="每日导入企业登记注册系统导出的新登记企业",
                department=department,
                source_kind="csv",
                registry="legal_entities",
                connection=str(data.NEW_ENTERPRISES_CSV),
                field_mapping=data.CONNECTOR_MAPPING,
                key_column="tyshxydm",
                incremental_column="xh",
            ),
        )
    if not connector.runs.filter(status=ConnectorRun.Status.SUCCEEDED, is_dry_run=False).exists():
        connector_run(connector=connector, actor=None)
        result.connector_runs += 1


def _traffic_ensure(result: DemoExchange, *, subsystems: dict[str, Subsystem]) -> None:
    """Deliver the pending registry change events to the exchange's handlers, then let
    统计局's system pull and acknowledge what it was sent."""
    pending = list(
        EventDelivery.objects.filter(
            status=EventDelivery.Status.PENDING,
            event__name__in=_BRIDGED,
            handler__startswith="exchange.",
        ).values_list("event_id", flat=True)
    )
    if pending:
        events_deliver(limit=1000, event_ids=pending)
        result.messages_published = len(pending)
    statistics = Subscription.objects.filter(
        subscriber=subsystems["TJJ/tjfx"], topic__name="registry.legal_entity.changed"
    ).first()
    if statistics is None:
        return
    handed = messages_pull(subscription=statistics, limit=100)
    if handed:
        acked = messages_ack(
            subscription=statistics, message_ids=[d.publication.message_id for d in handed]
        )
        result.messages_acknowledged = len(acked.acknowledged)
