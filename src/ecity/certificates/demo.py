"""Certificate types of the demo city 示范市 (fictional data), loaded by ``load_demo``."""

from __future__ import annotations

import zlib

from django.db import transaction

from ecity.catalogue.models import ServiceItem
from ecity.certificates.models import CertificateType
from ecity.core.validators import uscc_check_char
from ecity.org.models import Department

# (type code suffix, item code, department, zh, en, years, data fields). The operator is the
# business named on the form (an individual business applies through its owner's account).
_TYPES = [
    (
        "001",
        "SCJ-XK-001",
        "SCJ",
        "食品经营许可证",
        "Food business licence",
        5,
        [
            ("operator_name", "经营者名称", "Operator", "form.enterprise_name"),
            ("operator_uscc", "统一社会信用代码", "USCC", "form.uscc"),
            ("business_address", "经营场所", "Business premises", "form.business_address"),
            ("business_type", "主体业态", "Type of business", "form.business_type"),
            ("business_items", "经营项目", "Business items", "form.business_items"),
            ("case_number", "办件编号", "Case number", "case.number"),
        ],
    ),
    (
        "002",
        "WJW-XK-001",
        "WJW",
        "公共场所卫生许可证",
        "Public venue hygiene permit",
        4,
        [
            ("unit_name", "单位名称", "Organisation", "form.enterprise_name"),
            ("unit_uscc", "统一社会信用代码", "USCC", "form.uscc"),
            ("venue_address", "经营地址", "Address of the venue", "form.venue_address"),
            ("venue_type", "许可项目", "Type of venue", "form.venue_type"),
            ("floor_area", "营业面积（平方米）", "Floor area (m²)", "form.floor_area"),
            ("case_number", "办件编号", "Case number", "case.number"),
        ],
    ),
]


def demo_department_uscc(department: Department) -> str:
    """A valid (GB 32100) but fictional USCC for a demo government department.

    "11" = registered by the establishment authority as a government organ; the region part is
    the demo city's unassigned 99xxxx code, so it can never be a real organisation's code.
    """
    region = (department.region.code if department.region_id else "990100")[:6].ljust(6, "0")
    organisation = f"{zlib.crc32(department.code.encode()) % 10**9:09d}"
    body = f"11{region}{organisation}"
    return body + uscc_check_char(body)


@transaction.atomic
def demo_certificate_types() -> int:
    """Create or refresh the demo certificate types; return how many were created.

    Gives the issuing departments a fictional USCC when they have none (it is part of every
    certificate identifier). Skips a type whose department or service item is missing.
    """
    created_count = 0
    for suffix, item_code, department_code, name_zh, name_en, years, fields in _TYPES:
        department = Department.objects.filter(code=department_code).first()
        item = ServiceItem.objects.filter(code=item_code).first()
        if department is None or item is None:
            continue
        if not department.uscc:
            department.uscc = demo_department_uscc(department)
            department.save(update_fields=["uscc", "updated_at"])
        certificate_type, created = CertificateType.objects.update_or_create(
            code=f"{department.uscc}{suffix}",
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "department": department,
                "validity_years": years,
                "validity_days": None,
                "data_schema": [
                    {"name": name, "label_zh": zh, "label_en": en, "source": source}
                    for name, zh, en, source in fields
                ],
                "is_active": True,
            },
        )
        certificate_type.full_clean()
        certificate_type.service_items.add(item)
        created_count += created
    return created_count
