"""Writes of the macro-economic indicators registry's metadata: the indicators themselves.

Indicators are metadata: platform administrators and the administrators of the indicator's
authority department maintain them (``indicator_save``, ``indicator_status_set``). Their figures
are written by ``ecity.registry.services.indicators``.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.errors import Conflict, ValidationFailed
from ecity.core.events import event_publish
from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.errors import RegistryErrorCode
from ecity.registry.models import (
    DataElement,
    Indicator,
)
from ecity.registry.services._permissions import require_metadata_maintainer

_INDICATOR_FIELDS = (
    "name",
    "name_en",
    "definition",
    "subject",
    "unit",
    "frequency",
    "aggregation",
    "decimal_places",
    "authority",
    "data_element",
    "source",
    "sort_order",
)


# Indicators


@transaction.atomic
def indicator_save(
    *,
    actor: User | None,
    code: str,
    name: str,
    unit: str,
    frequency: str,
    aggregation: str,
    authority: Department,
    name_en: str = "",
    definition: str = "",
    subject: str = "other",
    decimal_places: int = 2,
    data_element: DataElement | None = None,
    source: str = "",
    sort_order: int = 0,
) -> Indicator:
    """Create the indicator ``code`` (a draft) or change its description.

    Rules: every attribute is validated by the model (field-level errors, nothing written); the
    frequency and decimal places of an indicator with figures do not change (its figures would
    no longer fit); the bound data element, if any, must be in force. Permissions: platform
    administrators; a department administrator of both the current and the new authority.
    Side effects: audited (``registry.indicator_saved``). Errors: ``PermissionDenied``,
    ``ValidationFailed``.
    """
    code = code.strip()
    require_metadata_maintainer(actor, authority)
    indicator = Indicator.objects.select_for_update().filter(code=code).first()
    is_new = indicator is None
    errors: dict[str, list[str]] = {}
    if indicator is None:
        indicator = Indicator(code=code)
    else:
        require_metadata_maintainer(actor, indicator.authority)
        if indicator.observations.exists():
            if frequency != indicator.frequency:
                errors["frequency"] = [_("The indicator has figures: its frequency cannot change.")]
            if decimal_places < indicator.decimal_places:
                errors["decimal_places"] = [
                    _("The indicator has figures: its decimal places cannot be fewer.")
                ]
    if data_element is not None and data_element.status != DataElement.Status.IN_FORCE:
        errors["data_element"] = [_("Choose a data element in force.")]
    values = {
        "name": name.strip(),
        "name_en": name_en.strip(),
        "definition": definition.strip(),
        "subject": subject,
        "unit": unit.strip(),
        "frequency": frequency,
        "aggregation": aggregation,
        "decimal_places": decimal_places,
        "authority": authority,
        "data_element": data_element,
        "source": source.strip(),
        "sort_order": sort_order,
    }
    for attribute in _INDICATOR_FIELDS:
        setattr(indicator, attribute, values[attribute])
    try:
        indicator.full_clean()
    except DjangoValidationError as exc:
        for name_, messages in exc.message_dict.items():
            errors.setdefault(name_, []).extend(messages)
    if errors:
        raise ValidationFailed(fields=errors)
    indicator.save()
    audit_record(
        actor=actor,
        action="registry.indicator_saved",
        obj=indicator,
        data={"code": indicator.code, "created": is_new, "authority": authority.code},
    )
    return indicator


_TRANSITIONS = {
    Indicator.Status.DRAFT: {Indicator.Status.IN_FORCE},
    Indicator.Status.IN_FORCE: {Indicator.Status.WITHDRAWN},
    Indicator.Status.WITHDRAWN: {Indicator.Status.IN_FORCE},
}


@transaction.atomic
def indicator_status_set(*, actor: User | None, indicator: Indicator, status: str) -> Indicator:
    """Put an indicator in force (published, open data), withdraw it, or reinstate it.

    Rules: draft → in force → withdrawn → in force. Permissions: as ``indicator_save``. Side
    effects: audited (``registry.indicator_status_changed``), publishes
    ``registry.indicator_changed``. Errors: ``PermissionDenied``, ``Conflict``
    (``indicator_status``) for any other transition.
    """
    indicator = (
        Indicator.objects.select_for_update().select_related("authority").get(pk=indicator.pk)
    )
    require_metadata_maintainer(actor, indicator.authority)
    if status not in _TRANSITIONS[Indicator.Status(indicator.status)]:
        raise Conflict(code=RegistryErrorCode.INDICATOR_STATUS)
    previous = indicator.status
    indicator.status = status
    indicator.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="registry.indicator_status_changed",
        obj=indicator,
        data={"code": indicator.code, "from": previous, "to": status},
    )
    event_publish(
        name="registry.indicator_changed",
        subject=f"registry.indicator:{indicator.public_id}",
        data={"code": indicator.code, "status": status, "authority": indicator.authority.code},
        key=str(uuid.uuid4()),
    )
    return indicator
