"""The e-licence wallet of the demo city (电子证照, 免提交): bound materials and held certificates.

``certificate_types.WALLET_TYPES`` are the certificate types that required materials of the
demo guides are bound to (``blocks.Material.certificate_type``): the loader defines them before
the guides, so the published guides carry the binding, and again after them, so that each type
names the service item that issues it. ``WALLET_CERTIFICATES`` are issued to the demo holders
through ``certificates.services.certificate_issue`` (idempotent by key): 示范市云帆科技有限公司
holds its 营业执照, so when its agent ``wangfang`` applies for 食品经营许可 (or any guide asking
for the 营业执照) the material comes from the wallet and the reviewer sees the certificate.
"""

from __future__ import annotations

import datetime as dt

from ecity.catalogue.models import ServiceItem
from ecity.certificates import services as certificate_services
from ecity.certificates.models import Certificate, CertificateType
from ecity.demo.data import certificate_types
from ecity.demo.services import structure
from ecity.identity.models import LegalEntity, User
from ecity.org.models import Department


def wallet_type_get(*, key: str) -> CertificateType | None:
    """The wallet certificate type ``key`` (``WALLET_TYPES``), if defined."""
    suffix, _item, department_code, *_rest = certificate_types.WALLET_TYPES[key]
    department = Department.objects.filter(code=department_code).first()
    if department is None or not department.uscc:
        return None
    return CertificateType.objects.filter(code=f"{department.uscc}{suffix}").first()


def demo_wallet_types_ensure(*, actor: User) -> int:
    """Define the wallet certificate types through the certificates service; return how many new.

    Gives the issuing department a fictional USCC when it has none. The issuing service item is
    linked when it exists (the loader calls this again after the guides). Idempotent.
    """
    created_count = 0
    for (
        suffix,
        item_code,
        code,
        name_zh,
        name_en,
        years,
        fields,
    ) in certificate_types.WALLET_TYPES.values():
        department = structure.department_uscc_ensure(actor=actor, code=code)
        if department is None:
            continue
        item = ServiceItem.objects.filter(code=item_code).first()
        _type, created = certificate_services.certificate_type_ensure(
            actor=actor,
            code=f"{department.uscc}{suffix}",
            name_zh=name_zh,
            name_en=name_en,
            department=department,
            validity_years=years,
            data_schema=[
                {"name": name, "label_zh": zh, "label_en": en, "source": source}
                for name, zh, en, source in fields
            ],
            service_items=[item] if item is not None else [],
        )
        created_count += created
    return created_count


def demo_wallet_certificates_ensure(*, actor: User) -> int:
    """Issue the demo holders' wallet certificates (``WALLET_CERTIFICATES``); return how many new.

    Issued by ecity (the type's department) from plain data, idempotent by the key
    ``demo:wallet:<type>:<USCC>``. Skips a certificate whose type or enterprise is missing.
    """
    issued = 0
    for key, uscc, issued_on, data in certificate_types.WALLET_CERTIFICATES:
        certificate_type = wallet_type_get(key=key)
        enterprise = LegalEntity.objects.filter(uscc=uscc).first()
        if certificate_type is None or enterprise is None:
            continue
        issue_key = f"demo:wallet:{key}:{uscc}"
        if Certificate.objects.filter(issue_key=issue_key).exists():
            continue
        certificate_services.certificate_issue(
            certificate_type=certificate_type,
            holder=certificate_services.Holder(
                kind=Certificate.HolderKind.ENTERPRISE,
                name=enterprise.name,
                identifier=enterprise.uscc,
                legal_entity=enterprise,
            ),
            data=dict(data),
            source=certificate_services.Source(
                type="demo", ref=f"demo:{uscc}", label="示范市演示数据"
            ),
            key=issue_key,
            issued_on=dt.date.fromisoformat(issued_on),
            issued_by=actor,
        )
        issued += 1
    return issued
