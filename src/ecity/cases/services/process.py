"""Writes on the processes of service versions: upload a BPMN file, build one, activate.

A service version has at most one active process definition (``ecity.workflow``, owned by the
version through ``owner_ref``); creating or activating one deactivates the previous one.
Definitions are never edited in place: running cases keep the process they started with
(``Case.process``), and a new file makes a new definition. Here the service version's rules
(its form fields, who may manage it) are applied and the change is audited; the storing itself
is ``ecity.workflow.services``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.cases.selectors.process import (
    can_manage_process,
    process_definition_build_check,
    process_definition_check,
    process_owner_ref,
    process_task_summary,
    process_version_of,
)
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import PermissionDenied
from ecity.identity.models import User
from ecity.org.models import Department, StaffRole
from ecity.workflow.bpmn import (
    ProcessInvalid,
    ProcessSpec,
)
from ecity.workflow.models import ProcessDefinition
from ecity.workflow.services import (
    process_definition_make_active,
    process_definition_settings_set,
    process_definition_store,
)


def _require_manager(actor: User, service_version: ServiceItemVersion) -> None:
    if not can_manage_process(actor=actor, service_version=service_version):
        raise PermissionDenied(
            _("Only administrators of the implementing department can change its processes.")
        )


def _create(
    *,
    actor: User,
    service_version: ServiceItemVersion,
    xml: str,
    spec: ProcessSpec,
    name: str,
    source: str,
    description: dict[str, Any],
    reject_ends_case: bool,
) -> ProcessDefinition:
    definition = process_definition_store(
        owner_ref=process_owner_ref(service_version),
        xml=xml,
        spec=spec,
        name=name,
        source=source,
        description=description,
        reject_ends_case=reject_ends_case,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="process.uploaded"
        if source == ProcessDefinition.Source.UPLOADED
        else "process.built",
        obj=definition,
        data={
            "service_item": service_version.item.code,
            "version": service_version.number,
            "process_id": definition.process_id,
        },
    )
    return definition


@transaction.atomic
def process_definition_upload(
    *,
    actor: User,
    service_version: ServiceItemVersion,
    xml: str | bytes,
    name: str,
    reject_ends_case: bool = True,
) -> ProcessDefinition:
    """Store an uploaded BPMN process as the active process of ``service_version``.

    Only administrators of the implementing department (or platform administrators) may do this
    (``PermissionDenied``). The file is validated first (``ProcessInvalid`` lists every problem;
    nothing is saved). The previously active definition is deactivated; the audit entry
    ``process.uploaded`` is written in the same transaction.
    """
    _require_manager(actor, service_version)
    if isinstance(xml, bytes):
        try:
            xml = xml.decode("utf-8")
        except UnicodeDecodeError:
            raise ProcessInvalid([_("The file must be encoded in UTF-8.")]) from None
    spec = process_definition_check(service_version=service_version, xml=xml)
    return _create(
        actor=actor,
        service_version=service_version,
        xml=xml,
        spec=spec,
        name=name.strip(),
        source=ProcessDefinition.Source.UPLOADED,
        description={"tasks": process_task_summary(spec)},
        reject_ends_case=reject_ends_case,
    )


@transaction.atomic
def process_definition_build(
    *,
    actor: User,
    service_version: ServiceItemVersion,
    review_departments: Iterable[Department | str],
    name: str = "",
    review_role: str = StaffRole.Role.REVIEWER,
    accept_role: str = StaffRole.Role.COUNTER_CLERK,
    decision_role: str = StaffRole.Role.APPROVER,
    reject_ends_case: bool = True,
) -> ProcessDefinition:
    """Build accept → parallel reviews → decide for ``service_version`` and make it active.

    The implementing department accepts (``accept_role``) and decides (``decision_role``); each
    of ``review_departments`` (departments or codes, in order) reviews with ``review_role``, all
    at the same time. Only administrators of the implementing department (or platform
    administrators) may do this (``PermissionDenied``); ``ValidationFailed`` as in
    ``process_definition_build_check``. The previously active definition is deactivated; the
    audit entry ``process.built`` is written in the same transaction.
    """
    _require_manager(actor, service_version)
    xml, spec, description = process_definition_build_check(
        service_version=service_version,
        review_departments=review_departments,
        name=name,
        review_role=review_role,
        accept_role=accept_role,
        decision_role=decision_role,
    )
    return _create(
        actor=actor,
        service_version=service_version,
        xml=xml,
        spec=spec,
        name=spec.name,
        source=ProcessDefinition.Source.BUILT,
        description=description,
        reject_ends_case=reject_ends_case,
    )


@transaction.atomic
def process_definition_activate(*, actor: User, definition: ProcessDefinition) -> ProcessDefinition:
    """Make ``definition`` the active process of its service version (deactivating the other).

    The file is validated again, since departments may have changed since it was stored.
    """
    version = process_version_of(definition)
    if version is None:
        raise PermissionDenied(_("This process does not belong to a service version."))
    _require_manager(actor, version)
    process_definition_check(service_version=version, xml=definition.bpmn_xml)
    return process_definition_make_active(definition=definition)


@transaction.atomic
def process_definition_update(
    *, actor: User, definition: ProcessDefinition, name: str, reject_ends_case: bool
) -> ProcessDefinition:
    """Rename ``definition`` or change whether a rejection ends the case.

    Only administrators of the implementing department (or platform administrators) may, checked
    first (``PermissionDenied``). Side effects: ``process.updated`` in the audit trail naming
    the changed fields (nothing is recorded when nothing changed).
    """
    version = process_version_of(definition)
    if version is None:
        raise PermissionDenied(_("This process does not belong to a service version."))
    _require_manager(actor, version)
    changed = process_definition_settings_set(
        definition=definition,
        name=name.strip() or definition.name,
        reject_ends_case=reject_ends_case,
    )
    if changed:
        audit_record(
            actor=actor,
            action="process.updated",
            obj=definition,
            fields=changed,
            data={"service_item": version.item.code, "version": version.number},
        )
    definition.refresh_from_db()
    return definition
