"""Exchange identifiers in the X-Road shape and the local instance's code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ecity.core.errors import ValidationFailed
from ecity.exchange.errors import ExchangeErrorCode

_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def local_instance() -> str:
    """Return this node's instance code (``ECITY_EXCHANGE_INSTANCE``, e.g. ``CN-WH``)."""
    return str(settings.ECITY_EXCHANGE_INSTANCE)


@dataclass(frozen=True)
class SubsystemId:
    """``instance/member_class/member/subsystem``."""

    instance: str
    member_class: str
    member: str
    subsystem: str

    def __str__(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.member}/{self.subsystem}"

    @property
    def member_id(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.member}"


@dataclass(frozen=True)
class ServiceId:
    """``instance/member_class/member/subsystem/service``: a service of a subsystem."""

    client: SubsystemId
    service: str

    def __str__(self) -> str:
        return f"{self.client}/{self.service}"


def _parts(text: str, count: int, *, field: str) -> list[str]:
    parts = (text or "").strip().split("/")
    if len(parts) != count or not all(_PART.match(p) for p in parts):
        raise ValidationFailed(
            code=ExchangeErrorCode.BAD_IDENTIFIER,
            fields={field: [_("Expected %(count)d parts separated by “/”.") % {"count": count}]},
        )
    return parts


def subsystem_id_parse(text: str, *, field: str = "subsystem") -> SubsystemId:
    """Parse ``instance/class/member/subsystem``. Raises ``ValidationFailed`` naming ``field``."""
    instance, member_class, member, subsystem = _parts(text, 4, field=field)
    return SubsystemId(instance, member_class, member, subsystem)


def service_id_parse(text: str, *, field: str = "service") -> ServiceId:
    """Parse ``instance/class/member/subsystem/service``. Raises ``ValidationFailed``."""
    instance, member_class, member, subsystem, service = _parts(text, 5, field=field)
    return ServiceId(SubsystemId(instance, member_class, member, subsystem), service)
