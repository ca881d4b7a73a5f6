"""Events the e-licence store handles: an approved case gets its e-certificate.

``case.decided`` carries the decided case as plain data (published by the cases app); the store
issues the certificate from that data, outside the case's row locks, idempotently by the case
(the same event delivered twice gives the same certificate, never two).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecity.catalogue.models import ServiceItemVersion
from ecity.certificates.models import Certificate
from ecity.certificates.selectors import certificate_type_for_service
from ecity.certificates.services import Holder, Source, certificate_data_build, certificate_issue
from ecity.core.events import PublishedEvent, register_handler
from ecity.identity.models import LegalEntity, User


def _user(public_id: str | None) -> User | None:
    return User.objects.filter(public_id=public_id).first() if public_id else None


def _holder(applicant: dict[str, Any], enterprise: dict[str, Any] | None) -> Holder:
    """The enterprise an application was for holds its certificate; else the applicant.

    ``enterprise`` comes with ``case.decided`` (events before it carried only the applicant:
    an enterprise applicant then is the enterprise). The applicant's account may act as the
    holder either way (the owner of an individual business, the agent who applied).
    """
    if enterprise is None and applicant.get("legal_entity"):
        enterprise = {
            "name": applicant["name"],
            "uscc": applicant["identifier"],
            "legal_entity": applicant["legal_entity"],
        }
    account = _user(applicant.get("account"))
    if enterprise is None:
        return Holder(
            kind=applicant["kind"],
            name=applicant["name"],
            identifier=applicant["identifier"],
            account=account,
        )
    legal_entity_id = enterprise.get("legal_entity")
    return Holder(
        kind=Certificate.HolderKind.ENTERPRISE,
        name=enterprise["name"],
        identifier=enterprise["uscc"],
        account=account,
        legal_entity=LegalEntity.objects.filter(public_id=legal_entity_id).first()
        if legal_entity_id
        else None,
    )


def certificate_issue_for_decided_case(event: PublishedEvent) -> Certificate | None:
    """Issue the e-certificate of an approved case whose service item issues one."""
    data = event.data
    case, applicant, service = data["case"], data["applicant"], data["service"]
    if case["outcome"] != "approved":
        return None
    certificate_type = certificate_type_for_service(item_code=service["item_code"])
    if certificate_type is None:
        return None
    version = ServiceItemVersion.objects.filter(public_id=service["version"]).first()
    enterprise = data.get("enterprise")
    case_values = {
        "number": case["number"],
        "applicant_name": applicant["name"],
        "applicant_identifier": applicant["identifier"],
        "decided_on": case["decided_on"],
        "service_name": service["name_zh"],
        "department_name": data["department"]["name_zh"],
        "legal_entity_name": (enterprise or {}).get("name", ""),
        "legal_entity_uscc": (enterprise or {}).get("uscc", ""),
    }
    return certificate_issue(
        certificate_type=certificate_type,
        holder=_holder(applicant, enterprise),
        data=certificate_data_build(
            certificate_type=certificate_type,
            form_data=data.get("form_data") or {},
            form_schema=version.form_schema if version else {},
            case_values=case_values,
        ),
        source=Source(type="cases.case", ref=event.subject, label=case["number"]),
        key=f"{event.name}:{event.key}",
        issued_on=dt.date.fromisoformat(case["decided_on"]),
        issued_by=_user(data.get("decided_by")),
    )


register_handler(
    "case.decided", certificate_issue_for_decided_case, name="certificates.issue_certificate"
)
