"""The attributes of base-registry records, each bound to a data element (GB/T 19488).

Every attribute a service may write is declared here with the data element that validates its
values and the data element whose authority department writes its authoritative value
(一数一源). A record's key (the person's ID number, the enterprise's USCC) is declared too:
it is validated like any attribute and logged when the record is created, never changed.

Values travel as text (what a form, an import file or an exchange message holds): each
attribute normalises the text, turns it into the model's value and back, and says how it is
masked on pages (``value_shown``). ``REGISTRY_SPECS`` names each registry's model, key and
attributes for the code that handles any of them (imports, data quality).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ecity.core.masking import mask
from ecity.core.validators import (
    normalise_id_number,
    normalise_mobile,
    normalise_uscc,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)
from ecity.registry.models.imports import Registry
from ecity.registry.models.places import Address, CoordinateSource, CoordinateSystem
from ecity.registry.models.records import LegalEntityRecord, Person

# The data elements of the base registries (the registry's metadata fixture defines them).
DE_ID_NUMBER = "DE0001"  # 公民身份号码
DE_PERSON_NAME = "DE0002"  # 姓名
DE_SEX = "DE0003"  # 性别 (GB/T 2261.1)
DE_ETHNIC_GROUP = "DE0004"  # 民族 (GB/T 3304)
DE_BIRTH_DATE = "DE0005"  # 出生日期
DE_ADDRESS = "DE0006"  # 住址
DE_MOBILE = "DE0007"  # 手机号码
DE_USCC = "DE0008"  # 统一社会信用代码
DE_ENTITY_NAME = "DE0009"  # 名称 (of a legal entity)
DE_LEGAL_REPRESENTATIVE = "DE0010"  # 法定代表人
DE_ENTITY_TYPE = "DE0011"  # 法人类型
DE_INDUSTRY = "DE0012"  # 行业 (GB/T 4754-2017)
DE_REGISTERED_ADDRESS = "DE0013"  # 注册地址
DE_ESTABLISHED_ON = "DE0014"  # 成立日期
DE_REGION_CODE = "DE0015"  # 行政区划代码 (GB/T 2260)
DE_ENTITY_STATUS = "DE0016"  # 登记状态
DE_LONGITUDE = "DE0018"  # 经度
DE_LATITUDE = "DE0019"  # 纬度
DE_ADDRESS_CODE = "DE0020"  # 地址编码
DE_STANDARD_ADDRESS = "DE0021"  # 标准地址
DE_STREET = "DE0022"  # 街路巷名
DE_HOUSE_NUMBER = "DE0023"  # 门牌号
DE_BUILDING = "DE0024"  # 楼栋号
DE_UNIT = "DE0025"  # 单元号
DE_ROOM = "DE0026"  # 户室号
DE_POSTAL_CODE = "DE0027"  # 邮政编码
DE_COORDINATE_SYSTEM = "DE0028"  # 坐标系
DE_COORDINATE_SOURCE = "DE0029"  # 坐标来源
DE_ADDRESS_STATUS = "DE0030"  # 地址状态


def _strip(value: str) -> str:
    return " ".join(str(value).split())


def _date_value(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid_date")
    return parsed


def _date_text(value: Any) -> str:
    return value.isoformat() if value else ""


def _status_value(text: str) -> str:
    if not text:
        raise ValidationError(_("Choose a registration status."), code="required")
    if text not in LegalEntityRecord.Status.values:
        raise ValidationError(
            _("%(value)s is not a registration status.") % {"value": text}, code="invalid_choice"
        )
    return text


def _choice_value(choices: Any, message: Promise) -> Callable[[str], str]:
    """A ``to_value`` accepting only the values of ``choices`` (a ``TextChoices``)."""

    def to_value(text: str) -> str:
        if text and text not in choices.values:
            raise ValidationError(
                str(message) % {"value": text, "choices": ", ".join(choices.values)},
                code="invalid_choice",
            )
        return text

    return to_value


_COORDINATE_STEP = Decimal("0.000001")


def _normalise_degrees(text: str) -> str:
    """Decimal degrees with six places (about 0.1 m): ``120.1`` → ``120.100000``."""
    text = _strip(text)
    try:
        return format(Decimal(text).quantize(_COORDINATE_STEP), "f")
    except (InvalidOperation, ValueError):
        return text  # left for to_value to refuse with a message


def _degrees(limit: int, message: Promise) -> Callable[[str], Decimal | None]:
    def to_value(text: str) -> Decimal | None:
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("Enter decimal degrees, e.g. 120.153576."), code="invalid"
            ) from None
        if not value.is_finite() or not -limit <= value <= limit:
            raise ValidationError(str(message), code="out_of_range")
        return value.quantize(_COORDINATE_STEP)

    return to_value


def _degrees_text(value: Any) -> str:
    return "" if value is None else format(Decimal(value).quantize(_COORDINATE_STEP), "f")


def _check_region_code(text: str) -> None:
    """A region code of the city (``org.Region``) or of the ``region`` code list (GB/T 2260)."""
    from ecity.org.models import Region
    from ecity.registry.models.metadata import CodeValue

    if Region.objects.filter(code=text).exists():
        return
    if CodeValue.objects.filter(code_list__identifier="region", code=text).exists():
        return
    raise ValidationError(
        _("%(value)s is not a region code of GB/T 2260 known to the platform.") % {"value": text},
        code="unknown_region",
    )


def _mask_date(value: str) -> str:
    """Keep the year of a date of birth: ``1990-**-**``."""
    return f"{value[:4]}-**-**" if value else ""


@dataclass(frozen=True)
class Attribute:
    """One attribute of a record: its model field, data elements, text form and mask."""

    name: str
    label: str | Promise
    data_element: str
    # The element whose authority department writes the authoritative value (default: the
    # element itself); the legal representative's ID number is the registration authority's.
    authority_element: str = ""
    normalise: Callable[[str], str] = _strip
    check: Callable[[str], None] | None = None
    to_value: Callable[[str], Any] = str
    to_text: Callable[[Any], str] = field(default=lambda value: "" if value is None else str(value))
    mask_kind: str = ""  # a kind of ``ecity.core.masking`` or "date"; "" for public values
    is_required: bool = False

    @property
    def authority_identifier(self) -> str:
        return self.authority_element or self.data_element

    def shown(self, text: str) -> str:
        """The value as a page shows it: masked when the attribute is personal."""
        if not text or not self.mask_kind:
            return text
        if self.mask_kind == "date":
            return _mask_date(text)
        return mask(text, self.mask_kind)


def _attributes(*items: Attribute) -> dict[str, Attribute]:
    return {item.name: item for item in items}


PERSON_KEY = Attribute(
    name="id_number",
    label=gettext_lazy("resident ID number"),
    data_element=DE_ID_NUMBER,
    normalise=normalise_id_number,
    check=validate_id_number,
    mask_kind="id_number",
    is_required=True,
)

PERSON_ATTRIBUTES = _attributes(
    Attribute(
        name="name",
        label=pgettext_lazy("person", "name"),
        data_element=DE_PERSON_NAME,
        mask_kind="name",
        is_required=True,
    ),
    Attribute(name="sex", label=gettext_lazy("sex"), data_element=DE_SEX),
    Attribute(
        name="ethnic_group", label=gettext_lazy("ethnic group"), data_element=DE_ETHNIC_GROUP
    ),
    Attribute(
        name="birth_on",
        label=gettext_lazy("date of birth"),
        data_element=DE_BIRTH_DATE,
        to_value=_date_value,
        to_text=_date_text,
        mask_kind="date",
    ),
    Attribute(
        name="address", label=gettext_lazy("address"), data_element=DE_ADDRESS, mask_kind="address"
    ),
    Attribute(
        name="phone",
        label=gettext_lazy("mobile phone"),
        data_element=DE_MOBILE,
        normalise=normalise_mobile,
        check=validate_mobile,
        mask_kind="phone",
    ),
    Attribute(name="region_code", label=gettext_lazy("region code"), data_element=DE_REGION_CODE),
)

LEGAL_ENTITY_KEY = Attribute(
    name="uscc",
    label=gettext_lazy("unified social credit code"),
    data_element=DE_USCC,
    normalise=normalise_uscc,
    check=validate_uscc,
    is_required=True,
)

LEGAL_ENTITY_ATTRIBUTES = _attributes(
    Attribute(
        name="name", label=gettext_lazy("name"), data_element=DE_ENTITY_NAME, is_required=True
    ),
    Attribute(
        name="entity_type", label=gettext_lazy("legal-entity type"), data_element=DE_ENTITY_TYPE
    ),
    Attribute(
        name="legal_representative_name",
        label=gettext_lazy("legal representative"),
        data_element=DE_LEGAL_REPRESENTATIVE,
    ),
    Attribute(
        name="legal_representative_id_number",
        label=gettext_lazy("legal representative's ID number"),
        data_element=DE_ID_NUMBER,
        authority_element=DE_LEGAL_REPRESENTATIVE,
        normalise=normalise_id_number,
        check=validate_id_number,
        mask_kind="id_number",
    ),
    Attribute(name="industry_code", label=gettext_lazy("industry"), data_element=DE_INDUSTRY),
    Attribute(
        name="registered_address",
        label=gettext_lazy("registered address"),
        data_element=DE_REGISTERED_ADDRESS,
    ),
    Attribute(
        name="established_on",
        label=gettext_lazy("established on"),
        data_element=DE_ESTABLISHED_ON,
        to_value=_date_value,
        to_text=_date_text,
    ),
    Attribute(
        name="status",
        label=gettext_lazy("status"),
        data_element=DE_ENTITY_STATUS,
        to_value=_status_value,
    ),
)


ADDRESS_KEY = Attribute(
    name="code",
    label=gettext_lazy("address code"),
    data_element=DE_ADDRESS_CODE,
    normalise=lambda text: _strip(text).upper(),
    is_required=True,
)

ADDRESS_ATTRIBUTES = _attributes(
    Attribute(
        name="full_address",
        label=gettext_lazy("standard address"),
        data_element=DE_STANDARD_ADDRESS,
        is_required=True,
    ),
    Attribute(
        name="region_code",
        label=gettext_lazy("region code"),
        data_element=DE_REGION_CODE,
        check=_check_region_code,
        is_required=True,
    ),
    Attribute(name="street", label=gettext_lazy("street or road"), data_element=DE_STREET),
    Attribute(
        name="house_number", label=gettext_lazy("house number"), data_element=DE_HOUSE_NUMBER
    ),
    Attribute(name="building", label=gettext_lazy("building"), data_element=DE_BUILDING),
    Attribute(name="unit", label=pgettext_lazy("building unit", "unit"), data_element=DE_UNIT),
    Attribute(name="room", label=gettext_lazy("room"), data_element=DE_ROOM),
    Attribute(name="postal_code", label=gettext_lazy("postal code"), data_element=DE_POSTAL_CODE),
    Attribute(
        name="longitude",
        label=gettext_lazy("longitude"),
        data_element=DE_LONGITUDE,
        normalise=_normalise_degrees,
        to_value=_degrees(180, gettext_lazy("A longitude is between -180 and 180 degrees.")),
        to_text=_degrees_text,
    ),
    Attribute(
        name="latitude",
        label=gettext_lazy("latitude"),
        data_element=DE_LATITUDE,
        normalise=_normalise_degrees,
        to_value=_degrees(90, gettext_lazy("A latitude is between -90 and 90 degrees.")),
        to_text=_degrees_text,
    ),
    Attribute(
        name="coordinate_system",
        label=gettext_lazy("coordinate system"),
        data_element=DE_COORDINATE_SYSTEM,
        normalise=lambda text: _strip(text).upper().replace("-", ""),
        to_value=_choice_value(
            CoordinateSystem,
            gettext_lazy("%(value)s is not a coordinate system (%(choices)s)."),
        ),
    ),
    Attribute(
        name="coordinate_source",
        label=gettext_lazy("coordinate source"),
        data_element=DE_COORDINATE_SOURCE,
        to_value=_choice_value(
            CoordinateSource,
            gettext_lazy("%(value)s is not a coordinate source (%(choices)s)."),
        ),
    ),
    Attribute(
        name="status",
        label=gettext_lazy("status"),
        data_element=DE_ADDRESS_STATUS,
        to_value=_choice_value(
            Address.Status, gettext_lazy("%(value)s is not an address status (%(choices)s).")
        ),
    ),
)


def address_values_check(record: Any, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors of an address's values taken together: both coordinates or neither.

    ``record`` is the address as it is (None when new), ``values`` the parsed new values.
    """
    final = {
        name: values[name] if name in values else getattr(record, name, None)
        for name in ("longitude", "latitude")
    }
    if (final["longitude"] is None) == (final["latitude"] is None):
        return {}
    missing = "latitude" if final["latitude"] is None else "longitude"
    return {missing: [_("Give the longitude and the latitude together.")]}


#: The key and attributes of each kind of record (``RecordReference``'s foreign keys).
KIND_ATTRIBUTES: dict[str, tuple[Attribute, Mapping[str, Attribute]]] = {
    "person": (PERSON_KEY, PERSON_ATTRIBUTES),
    "legal_entity": (LEGAL_ENTITY_KEY, LEGAL_ENTITY_ATTRIBUTES),
    "address": (ADDRESS_KEY, ADDRESS_ATTRIBUTES),
}


def record_kind(row: Any) -> str:
    """The kind of record a provenance, change, conflict or dispute row is about."""
    if row.person_id is not None:
        return "person"
    if row.legal_entity_id is not None:
        return "legal_entity"
    return "address"


def attribute_get(*, kind: str, name: str) -> Attribute | None:
    """The attribute ``name`` of a ``"person"``, ``"legal_entity"`` or ``"address"`` record
    (its key too)."""
    key, attributes = KIND_ATTRIBUTES[kind]
    return key if name == key.name else attributes.get(name)


def value_shown(*, kind: str, attribute: str, text: str) -> str:
    """``text`` of ``attribute`` as pages show it (masked when personal; unknown: masked out)."""
    spec = attribute_get(kind=kind, name=attribute)
    if spec is None:
        return "****" if text else ""
    return spec.shown(text)


@dataclass(frozen=True)
class RegistrySpec:
    """How rows of one registry are keyed, validated and written."""

    registry: str  # a ``Registry`` value
    model: type[Person] | type[LegalEntityRecord] | type[Address]
    key: Attribute
    attributes: Mapping[str, Attribute]
    action: str  # audit action and event of a changed record
    fk: str  # the record's field on RecordAttribute / RecordChange / RecordConflict
    # Errors of a record's values taken together: (record or None, {name: value}) -> fields.
    values_check: Callable[[Any, Mapping[str, Any]], dict[str, list[str]]] | None = None

    def data_elements(self) -> set[str]:
        specs = [self.key, *self.attributes.values()]
        return {s.data_element for s in specs} | {s.authority_identifier for s in specs}


REGISTRY_SPECS: dict[str, RegistrySpec] = {
    Registry.PERSONS: RegistrySpec(
        registry=Registry.PERSONS,
        model=Person,
        key=PERSON_KEY,
        attributes=PERSON_ATTRIBUTES,
        action="registry.person_changed",
        fk="person",
    ),
    Registry.LEGAL_ENTITIES: RegistrySpec(
        registry=Registry.LEGAL_ENTITIES,
        model=LegalEntityRecord,
        key=LEGAL_ENTITY_KEY,
        attributes=LEGAL_ENTITY_ATTRIBUTES,
        action="registry.legal_entity_changed",
        fk="legal_entity",
    ),
    Registry.ADDRESSES: RegistrySpec(
        registry=Registry.ADDRESSES,
        model=Address,
        key=ADDRESS_KEY,
        attributes=ADDRESS_ATTRIBUTES,
        action="registry.address_changed",
        fk="address",
        values_check=address_values_check,
    ),
}
