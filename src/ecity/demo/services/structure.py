"""The demo city's regions and departments, written through ``ecity.org.services``."""

from __future__ import annotations

from ecity.demo.data import departments, regions
from ecity.identity.models import User
from ecity.org import services as org_services
from ecity.org.models import Department, Region


def regions_ensure(*, actor: User) -> tuple[Region, int]:
    """Create or refresh every region of the demo city; return the city and how many were new."""
    by_code: dict[str, Region] = {}
    created_count = 0
    for code, name_zh, name_en, level, parent in regions.REGIONS:
        region, created = org_services.region_ensure(
            actor=actor,
            code=code,
            name_zh=name_zh,
            name_en=name_en,
            level=level,
            parent=by_code[parent] if parent else None,
        )
        by_code[code] = region
        created_count += created
    return by_code[regions.CITY_CODE], created_count


def departments_ensure(*, actor: User, city: Region, only_missing: bool = False) -> int:
    """Create (and unless ``only_missing`` refresh) the demo departments; return how many were new.

    With ``only_missing`` a department that exists is left exactly as an administrator left it.
    """
    by_code = {d.code: d for d in Department.objects.filter(code__in=_codes())}
    created_count = 0
    for index, dept in enumerate(departments.DEPARTMENTS):
        if only_missing and dept.code in by_code:
            continue
        department, created = org_services.department_ensure(
            actor=actor,
            code=dept.code,
            name_zh=dept.name_zh,
            name_en=dept.name_en,
            short_name=dept.short_name,
            address=dept.address,
            phone=dept.phone,
            parent=by_code.get(dept.parent) if dept.parent else None,
            region=city,
            sort_order=index * 10,
        )
        by_code[dept.code] = department
        created_count += created
    return created_count


def department_uscc_ensure(*, actor: User, code: str) -> Department | None:
    """Give the demo department ``code`` a fictional USCC when it has none; return it."""
    department = Department.objects.filter(code=code).select_related("region").first()
    if department is None or department.uscc:
        return department
    return org_services.department_uscc_set(
        actor=actor,
        department=department,
        uscc=departments.department_uscc(department.code, region=department.region.code),
    )


def _codes() -> list[str]:
    return [dept.code for dept in departments.DEPARTMENTS]
