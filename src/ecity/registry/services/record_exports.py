"""Exports of base-registry records (CSV): personal values only in full with a grant.

``records_export_csv`` is the one way records leave the back office as a file (the admin's
"export selected records" action calls it). What each column carries is decided by
``selectors.exports.record_export_access``: the authority department of a data element, or
a department holding an active sharing grant for it, gets the values in full; anyone else
gets personal values masked. The export is audited as a data access: one entry for the
export, and one per person with an account whose personal values went out in full (listed
on their "who looked at my data").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import PermissionDenied
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department
from ecity.registry.models import LegalEntityRecord, Person
from ecity.registry.selectors.exports import export_attributes, record_export_access
from ecity.registry.selectors.sharing import can_administer_sharing

BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


@transaction.atomic
def records_export_csv(
    *,
    actor: User,
    department: Department | None,
    records: Iterable[Person | LegalEntityRecord],
    kind: str,
) -> str:
    """The CSV of ``records`` (``person`` or ``legal_entity``) as ``department`` may export it.

    Who: a data administrator of ``department``; without a department, a platform
    administrator (who then gets every personal value masked). Columns: every attribute, key
    first, headed by its label; personal values masked unless ``department`` is the authority
    of the data element or holds an active grant for it. Side effects: audit entries
    ``registry.records_exported`` (see the module docstring). Errors: ``PermissionDenied``.
    """
    if department is None:
        if not org_selectors.is_platform_admin(user=actor):
            raise PermissionDenied(_("Choose the department you export for."))
    elif not can_administer_sharing(actor=actor, department=department):
        raise PermissionDenied(_("Only the department's data administrator exports its records."))
    attributes = export_attributes(kind)
    access = record_export_access(department=department, kind=kind)
    full_personal = [a.name for a in attributes if a.mask_kind and access[a.name]]
    stream = io.StringIO()
    stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow([str(a.label) for a in attributes])
    count = 0
    for record in records:
        row = []
        for attribute in attributes:
            text = attribute.to_text(getattr(record, attribute.name, None))
            row.append(_safe(text if access[attribute.name] else attribute.shown(text)))
        writer.writerow(row)
        count += 1
        account = getattr(record, "account", None) if kind == "person" else None
        if account is not None and full_personal:
            audit_record(
                actor=actor,
                action="registry.records_exported",
                obj=record,
                subject=account,
                fields=full_personal,
                data={"department": department.code if department else ""},
            )
    audit_record(
        actor=actor,
        action="registry.records_exported",
        fields=full_personal,
        data={
            "kind": kind,
            "records": count,
            "department": department.code if department else "",
            "masked": sorted(a.name for a in attributes if not access[a.name]),
        },
    )
    return stream.getvalue()
