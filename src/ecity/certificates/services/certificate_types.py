"""Certificate types: defining a type (its national code, issuing department, validity and data
fields) and the services that issue it."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.catalogue.models import ServiceItem
from ecity.certificates.models import CertificateType
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.org.selectors import user_has_role

_TYPE_FIELDS = ("name_zh", "name_en", "department_id", "validity_years", "validity_days")


@transaction.atomic
def certificate_type_ensure(
    *,
    actor: User,
    code: str,
    name_zh: str,
    department: Department,
    name_en: str = "",
    validity_years: int | None = None,
    validity_days: int | None = None,
    data_schema: list[dict[str, str]],
    service_items: Iterable[ServiceItem] = (),
) -> tuple[CertificateType, bool]:
    """Define the certificate type ``code``, or bring it up to date; return it and created.

    Rules: idempotent by code (the national licence type code); the type is (re)activated;
    ``service_items`` are added to the services that issue it (never removed here); the model
    validates the code, the data schema and that the issuing department has a USCC.
    Permissions: platform administrators, or administrators of ``department``. Side effects: a
    ``certificate_type.defined`` audit entry when anything changed. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (field messages).
    """
    if not user_has_role(user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department):
        raise PermissionDenied(_("Only administrators of this department can do this."))
    code = code.strip()
    certificate_type = CertificateType.objects.select_for_update().filter(code=code).first()
    is_new = certificate_type is None
    if certificate_type is None:
        certificate_type = CertificateType(code=code)
    before = (
        [getattr(certificate_type, name) for name in _TYPE_FIELDS],
        certificate_type.data_schema,
        certificate_type.is_active,
    )
    certificate_type.name_zh = name_zh.strip()
    certificate_type.name_en = name_en.strip()
    certificate_type.department = department
    certificate_type.validity_years = validity_years
    certificate_type.validity_days = validity_days
    certificate_type.data_schema = data_schema
    certificate_type.is_active = True
    try:
        certificate_type.full_clean(validate_unique=is_new)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    after = (
        [getattr(certificate_type, name) for name in _TYPE_FIELDS],
        certificate_type.data_schema,
        certificate_type.is_active,
    )
    linked = set() if is_new else set(certificate_type.service_items.values_list("pk", flat=True))
    new_items = [item for item in service_items if item.pk not in linked]
    if not (is_new or before != after or new_items):
        return certificate_type, False
    certificate_type.save()
    certificate_type.service_items.add(*new_items)
    audit_record(
        actor=actor,
        action="certificate_type.defined",
        obj=certificate_type,
        data={"code": certificate_type.code, "created": is_new},
    )
    return certificate_type, is_new
