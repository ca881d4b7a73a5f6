"""Writes to the address registry (地名地址库, the places and addresses base registry)."""

from __future__ import annotations

from collections.abc import Mapping

from ecity.identity.models import User
from ecity.org.models import Department
from ecity.registry.attributes import ADDRESS_ATTRIBUTES, ADDRESS_KEY, address_values_check
from ecity.registry.models import Address
from ecity.registry.selectors.places import address_get_by_code
from ecity.registry.services.records.rules import RecordWrite
from ecity.registry.services.records.write import _record_write


def address_write(
    *,
    actor: User,
    department: Department | None,
    source: str,
    source_reference: str = "",
    code: str,
    values: Mapping[str, str],
    expected_version: int | None = None,
) -> RecordWrite[Address]:
    """Create the address with ``code`` or change its attributes from ``values`` (text).

    Rules, side effects and errors as ``person_write`` (audit action and event
    ``registry.address_changed``, no subject: an address is no one's personal data). A new
    address needs its standard address and region code; the region code must be one of the
    platform's regions or of the ``region`` code list (GB/T 2260); longitude and latitude are
    decimal degrees, given together. The authority of the place names and house numbers
    (civil affairs) and of the code and coordinates (natural resources) each write their own
    values authoritatively; anything else is provisional or a conflict.
    """
    return _record_write(
        model=Address,
        found=lambda: address_get_by_code(code=code),
        key_spec=ADDRESS_KEY,
        key_text=code,
        specs=ADDRESS_ATTRIBUTES,
        action="registry.address_changed",
        subject=lambda address: None,
        actor=actor,
        department=department,
        source=source,
        source_reference=source_reference,
        values=values,
        expected_version=expected_version,
        check=address_values_check,
    )
