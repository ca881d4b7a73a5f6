"""Writes of the Open311 server: API keys of channel systems, and service requests.

``open311_request_submit`` turns a GeoReport v2 POST into a hotline ticket through
``services.intake.ticket_receive`` (channel ``open311``), so every intake rule, the number,
the audit entry and the notification are the same as on any other channel.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.audit.services import audit_record
from ecity.core.accounts import Account
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.hotline.models import (
    Category,
    Channel,
    Open311Attribute,
    Open311Client,
    Open311Request,
    TicketKind,
)
from ecity.hotline.open311.selectors import service_get
from ecity.hotline.services.intake import TicketInput, ticket_receive

DESCRIPTION_MAX = 4000
_CJK = re.compile(r"[\u3400-\u9fff]")


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def open311_client_create(*, actor: Account | None, name: str) -> tuple[Open311Client, str]:
    """Register a channel system and return it with its new API key (shown once, never stored).

    Permissions: a platform admin (the Django admin or the ``open311_client`` management
    command, ``actor`` None). Rules: the name is required and unique. Side effects: audit
    ``hotline.open311_client_created``. Errors: ``ValidationFailed``, ``PermissionDenied``.
    """
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied(_("Only a platform administrator registers Open311 clients."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("Enter the name of the client system.")]})
    if Open311Client.objects.filter(name=name).exists():
        raise ValidationFailed(fields={"name": [_("A client system has this name already.")]})
    key = secrets.token_urlsafe(32)
    client = Open311Client.objects.create(name=name, key_hash=_key_hash(key), key_prefix=key[:8])
    audit_record(actor=actor, action="hotline.open311_client_created", obj=client)
    return client, key


def open311_client_authenticate(*, api_key: str) -> Open311Client:
    """Return the active client holding ``api_key``; raises ``PermissionDenied`` otherwise."""
    client = (
        Open311Client.objects.filter(key_hash=_key_hash(api_key), is_active=True).first()
        if api_key
        else None
    )
    if client is None:
        raise PermissionDenied(_("The api_key is missing, unknown or no longer active."))
    return client


@dataclass(frozen=True)
class Open311Input:
    """The fields of POST requests, as given (strings; empty = not given)."""

    service_code: str
    lat: str = ""
    long: str = ""
    address_string: str = ""
    address_id: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    description: str = ""
    media_url: str = ""
    # attribute code -> the values given for it (a multivaluelist has several).
    attributes: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _check_attribute(attribute: Open311Attribute, values: list[str]) -> str | list[str] | None:
    """Return the clean answer to ``attribute``; raise ``ValueError`` with the message."""
    if not values:
        if attribute.required:
            raise ValueError(_("This question must be answered."))
        return None
    if attribute.datatype != Open311Attribute.Datatype.MULTIVALUELIST and len(values) > 1:
        raise ValueError(_("Give one answer only."))
    value = values[0]
    kind = attribute.datatype
    if kind == Open311Attribute.Datatype.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return value
    if kind == Open311Attribute.Datatype.DATETIME:
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                _("Enter a date and time such as 2024-05-01T09:30:00+08:00.")
            ) from None
        return value
    if kind == Open311Attribute.Datatype.STRING and len(value) > 300:
        raise ValueError(_("Keep the answer within 300 characters."))
    if kind == Open311Attribute.Datatype.TEXT and len(value) > DESCRIPTION_MAX:
        raise ValueError(_("Keep the answer within 4,000 characters."))
    if kind in Open311Attribute.LIST_DATATYPES:
        unknown = [item for item in values if item not in attribute.value_keys]
        if unknown:
            raise ValueError(_("Choose among the listed values."))
        return list(values) if kind == Open311Attribute.Datatype.MULTIVALUELIST else value
    return value


def _check_attributes(
    category: Category, given: Mapping[str, Sequence[str]]
) -> tuple[dict[str, str | list[str]], dict[str, list[str]]]:
    answers: dict[str, str | list[str]] = {}
    errors: dict[str, list[str]] = {}
    attributes = {attribute.code: attribute for attribute in category.open311_attributes.all()}
    for code in given:
        if code not in attributes:
            errors[f"attribute[{code}]"] = [_("This service asks no such question.")]
    for code, attribute in attributes.items():
        values = [str(v).strip() for v in given.get(code, ()) if str(v).strip()]
        try:
            answer = _check_attribute(attribute, values)
        except ValueError as invalid:
            errors[f"attribute[{code}]"] = [str(invalid)]
            continue
        if answer is not None:
            answers[code] = answer
    return answers, errors


def _caller_name(first_name: str, last_name: str) -> str:
    first, last = first_name.strip(), last_name.strip()
    if _CJK.search(first + last):
        return f"{last}{first}"  # Chinese order: family name first, no space
    return " ".join(part for part in (first, last) if part)


def _answers_text(category: Category, answers: Mapping[str, str | list[str]]) -> str:
    lines = []
    for attribute in category.open311_attributes.all():
        if attribute.code not in answers:
            continue
        answer = answers[attribute.code]
        names = {
            str(value.get("key", "")): str(value.get("name", ""))
            for value in attribute.values or []
            if isinstance(value, dict)
        }
        shown = (
            "、".join(names.get(item, item) for item in answer)
            if isinstance(answer, list)
            else names.get(answer, answer)
        )
        lines.append(f"{attribute.description}: {shown}")
    return "\n".join(lines)


def _degrees(value: str) -> Decimal | None:
    """Decimal degrees to the six places a ticket keeps (about 0.1 m)."""
    return Decimal(value.strip()).quantize(Decimal("0.000001")) if value.strip() else None


def _check_fields(data: Open311Input) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    has_point = bool(data.lat.strip() or data.long.strip())
    if not has_point and not data.address_string.strip():
        errors["lat"] = [_("Give the place: lat and long, or address_string.")]
    if has_point:
        try:
            lat, long = Decimal(data.lat.strip()), Decimal(data.long.strip())
            if not (lat.is_finite() and long.is_finite()):
                raise InvalidOperation
        except InvalidOperation:
            errors["lat"] = [_("Give lat and long as decimal degrees (WGS 84).")]
    if len(data.description) > DESCRIPTION_MAX:
        errors["description"] = [_("Keep the description within 4,000 characters.")]
    if len(data.address_string) > 300:
        errors["address_string"] = [_("Keep the address within 300 characters.")]
    if data.email:
        try:
            validate_email(data.email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if data.media_url:
        try:
            URLValidator(schemes=["http", "https"])(data.media_url)
            if len(data.media_url) > 500:
                raise ValidationError("too long")
        except ValidationError:
            errors["media_url"] = [_("Enter an http or https address of the picture.")]
    for name in ("device_id", "account_id"):
        if len(getattr(data, name)) > 100:
            errors[name] = [_("Keep this within 100 characters.")]
    return errors


@transaction.atomic
def open311_request_submit(*, client: Open311Client, data: Open311Input) -> Open311Request:
    """Receive a GeoReport v2 service request as a hotline ticket (kind: request for help).

    Permissions: an active ``Open311Client``. Rules: the service is an active leaf category
    (``NotFound`` otherwise); a place (lat/long inside the city, or an address); the
    attributes the service defines, each of its datatype, required ones answered, no others;
    e-mail and media URL well-formed; every intake rule (``ticket_receive``). The ticket's
    description carries the answers so that handlers read them. Side effects: as
    ``ticket_receive``; an ``Open311Request`` with a fresh token. Errors: ``NotFound``,
    ``ValidationFailed``, ``PermissionDenied``; nothing is written on error.
    """
    if not client.is_active:
        raise PermissionDenied(_("The api_key is missing, unknown or no longer active."))
    category = service_get(code=data.service_code.strip())
    errors = _check_fields(data)
    answers, attribute_errors = _check_attributes(category, data.attributes)
    errors.update(attribute_errors)
    if errors:
        raise ValidationFailed(fields=errors)
    description = data.description.strip() or category.name_zh
    answers_text = _answers_text(category, answers)
    if answers_text:
        description = f"{description}\n\n{answers_text}"
    ticket = ticket_receive(
        actor=None,
        channel=Channel.OPEN311,
        open311_client=client,
        data=TicketInput(
            kind=TicketKind.HELP,
            description=description,
            title=(data.description.strip() or category.name_zh)[:30],
            category_code=category.code,
            caller_name=_caller_name(data.first_name, data.last_name),
            caller_phone=data.phone.strip(),
            address=data.address_string.strip(),
            latitude=_degrees(data.lat),
            longitude=_degrees(data.long),
        ),
    )
    client.last_used_at = timezone.now()
    client.save(update_fields=["last_used_at", "updated_at"])
    return Open311Request.objects.create(
        ticket=ticket,
        client=client,
        token=secrets.token_hex(16),
        attributes=answers,
        media_url=data.media_url,
        email=data.email.strip(),
        device_id=data.device_id.strip(),
        account_id=data.account_id.strip(),
    )
