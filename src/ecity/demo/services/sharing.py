"""The demo city's controlled sharing: the labour bureau's system reads the person registry.

人社局 (RSJ) registers its system 社保业务系统 with client credentials; its data administrator
requested the ID number, name and date of birth of 公安局's population resource and 公安局's data
administrator approved (a grant for a year); a second request, for the address, waits for an
answer. Everything goes through the sso and registry services, as the demo's staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ecity.demo.data.regions import CITY_CODE
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.models import Resource, SharingRequest
from ecity.registry.services.sharing import sharing_request_approve, sharing_request_submit
from ecity.sso.models import ClientPolicy
from ecity.sso.services import system_client_register

SYSTEM_NAME = "社保业务系统"
POPULATION = f"{CITY_CODE}-GAJ-0001"
GRANTED = ("DE0001", "DE0002", "DE0005")
PENDING = ("DE0006",)


@dataclass
class DemoSharing:
    """What ``demo_sharing_ensure`` created; the secret is set only when the system is new."""

    client_id: str = ""
    client_secret: str = ""
    requests: int = 0


def demo_sharing_ensure(*, actor: User) -> DemoSharing:
    """Register the labour bureau's system and make its grant and pending request if missing.

    Idempotent. ``actor`` is the platform administrator (registers the system); the requests
    are made by ``deptadmin_rsj`` and answered by ``deptadmin_gaj``. The client secret is
    generated now and returned once, never stored in the demo data.
    """
    result = DemoSharing()
    labour = Department.objects.get(code="RSJ")
    resource = Resource.objects.filter(code=POPULATION, revision_of__isnull=True).first()
    requester = User.objects.filter(username="deptadmin_rsj").first()
    provider = User.objects.filter(username="deptadmin_gaj").first()
    if resource is None or requester is None or provider is None:
        return result
    policy = (
        ClientPolicy.objects.select_related("application")
        .filter(department=labour, application__name=SYSTEM_NAME)
        .first()
    )
    if policy is None:
        application, result.client_secret = system_client_register(
            actor=actor,
            name=SYSTEM_NAME,
            department=labour,
            description="人社局社会保险业务系统，核验参保人员身份。",
            contact="信息中心 0571-12345678",
        )
    else:
        application = policy.application
    result.client_id = application.client_id
    items = {item.data_element.identifier: item for item in resource.items.all()}
    today = timezone.localdate()
    for identifiers, purpose, approve in (
        (GRANTED, "社会保险参保登记时核验参保人员身份和出生日期", True),
        (PENDING, "向参保人员邮寄社会保障卡", False),
    ):
        if SharingRequest.objects.filter(
            requester=labour,
            application=application,
            items__data_element__identifier=identifiers[0],
        ).exists():
            continue
        request = sharing_request_submit(
            actor=requester,
            requester=labour,
            application=application,
            resource=resource,
            items=[items[identifier] for identifier in identifiers if identifier in items],
            purpose=purpose,
            legal_basis="《中华人民共和国社会保险法》第五十七条、第五十八条",
            starts_on=today,
            ends_on=today + dt.timedelta(days=365),
        )
        result.requests += 1
        if approve:
            sharing_request_approve(
                actor=provider, sharing_request=request, reason="符合最小必要原则"
            )
    return result
