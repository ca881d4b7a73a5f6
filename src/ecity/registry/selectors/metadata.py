"""Reads of metadata: data elements, their authority (一数一源) and the values they accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from ecity.core.errors import NotFound
from ecity.core.patterns import PatternError, pattern_compile
from ecity.core.validators import validate_id_number, validate_mobile, validate_uscc
from ecity.identity.models import User
from ecity.org import selectors as org_selectors
from ecity.org.models import Department, StaffRole
from ecity.registry.models import CodeList, CodeValue, DataElement

_CHECKS: dict[str, Callable[[str], None]] = {
    DataElement.CheckRule.ID_NUMBER: validate_id_number,
    DataElement.CheckRule.USCC: validate_uscc,
    DataElement.CheckRule.MOBILE: validate_mobile,
}

_BOOLEAN_VALUES = frozenset({"true", "false", "1", "0"})


def data_element_get(*, identifier: str) -> DataElement:
    """Return the data element ``identifier`` (code list and authority joined).

    Raises ``NotFound`` when there is no such element. Metadata is public: no permission check.
    """
    element = (
        DataElement.objects.select_related("code_list", "authority")
        .filter(identifier=identifier)
        .first()
    )
    if element is None:
        raise NotFound(_("There is no data element %(identifier)s.") % {"identifier": identifier})
    return element


def data_element_authority(*, identifier: str) -> Department | None:
    """Return the authoritative department (一数一源) of a data element, or None if it has none.

    A withdrawn element or an inactive department is no authority any more: None.
    Raises ``NotFound`` when there is no such element.
    """
    return _authority_of(data_element_get(identifier=identifier))


def _authority_of(element: DataElement) -> Department | None:
    if element.status == DataElement.Status.WITHDRAWN:
        return None
    authority = element.authority
    if authority is None or not authority.is_active:
        return None
    return authority


def _type_message(element: DataElement, value: str) -> str | None:
    data_type = element.data_type
    if data_type == DataElement.DataType.INTEGER:
        text = value[1:] if value[:1] in "+-" else value
        if not (text.isascii() and text.isdigit()):
            return _("Enter a whole number.")
    elif data_type == DataElement.DataType.DECIMAL:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return _("Enter a number.")
        if not number.is_finite():
            return _("Enter a number.")
    elif data_type == DataElement.DataType.DATE:
        try:
            parsed_date = parse_date(value)
        except ValueError:
            parsed_date = None
        if parsed_date is None:
            return _("Enter a date as YYYY-MM-DD.")
    elif data_type == DataElement.DataType.DATETIME:
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            return _("Enter a date and time as YYYY-MM-DDThh:mm:ss.")
    elif data_type == DataElement.DataType.BOOLEAN and value.lower() not in _BOOLEAN_VALUES:
        return _("Enter true or false.")
    return None


def _code_message(
    code: CodeValue | None, element: DataElement, value: str, today: dt.date
) -> str | None:
    if code is None:
        return _("%(value)s is not a code of the list %(list)s.") % {
            "value": value,
            "list": element.code_list.identifier if element.code_list else "",
        }
    if not code.is_valid_on(today):
        return _("The code %(value)s is not valid on %(date)s.") % {
            "value": value,
            "date": today.isoformat(),
        }
    return None


def _element_messages(
    element: DataElement, value: str, code_get: Callable[[str], CodeValue | None]
) -> list[str]:
    """The rules of ``data_element_validate``; ``code_get`` finds a code of the element's list."""
    value = str(value)
    if value == "":
        return [_("Enter a value.")]
    type_message = _type_message(element, value)
    if type_message is not None:
        return [type_message]
    messages: list[str] = []
    if element.pattern:
        try:
            regex = pattern_compile(element.pattern)
        except PatternError:  # saved before validation existed; never blocks a value
            regex = None
        if regex is not None and regex.fullmatch(value) is None:
            messages.append(_("The value does not have the required format."))
    check = _CHECKS.get(element.check_rule)
    if check is not None:
        try:
            check(value)
        except ValidationError as exc:
            messages.extend(str(m) for m in exc.messages)
    if element.code_list_id is not None:
        code_message = _code_message(code_get(value), element, value, timezone.localdate())
        if code_message is not None:
            messages.append(code_message)
    return messages


def data_element_validate(*, identifier: str, value: str) -> list[str]:
    """Check ``value`` against a data element: type, pattern, check character and code list.

    Returns the messages (translated), empty when the value is valid. A value that fails its type
    is not checked further. Raises ``NotFound`` when there is no such element.
    """
    element = data_element_get(identifier=identifier)
    return _element_messages(
        element,
        value,
        lambda code: CodeValue.objects.filter(code_list_id=element.code_list_id, code=code).first(),
    )


class DataElementSnapshot:
    """Data elements, their code lists and authorities read once, for checking many values.

    A bulk import checks millions of values: this answers ``data_element_validate`` and
    ``data_element_authority`` with the same rules from memory (a few queries in all). An
    identifier that is not defined gives ``NotFound``, as the selectors do.
    """

    def __init__(self, identifiers: Iterable[str]) -> None:
        elements = DataElement.objects.select_related("code_list", "authority").filter(
            identifier__in=set(identifiers)
        )
        self._elements = {element.identifier: element for element in elements}
        list_ids = {e.code_list_id for e in self._elements.values() if e.code_list_id is not None}
        self._codes: dict[tuple[int, str], CodeValue] = {
            (code.code_list_id, code.code): code
            for code in CodeValue.objects.filter(code_list_id__in=list_ids)
        }

    def _element(self, identifier: str) -> DataElement:
        element = self._elements.get(identifier)
        if element is None:
            raise NotFound(
                _("There is no data element %(identifier)s.") % {"identifier": identifier}
            )
        return element

    def validate(self, *, identifier: str, value: str) -> list[str]:
        """As ``data_element_validate``."""
        element = self._element(identifier)
        return _element_messages(
            element, value, lambda code: self._codes.get((element.code_list_id or 0, code))
        )

    def authority(self, *, identifier: str) -> Department | None:
        """As ``data_element_authority``."""
        return _authority_of(self._element(identifier))


def can_maintain_metadata(*, actor: User, department: Department | None = None) -> bool:
    """Whether ``actor`` may maintain metadata (of ``department``'s data elements, if given).

    Platform administrators act as the platform's data administrators and maintain everything;
    a department administrator maintains the data elements for which their department is the
    authority (sub-units included). Code lists and subject terms are platform-wide.
    """
    if org_selectors.is_platform_admin(user=actor):
        return True
    if department is None:
        return False
    return org_selectors.user_has_role(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN, department=department
    )


def code_list_list() -> QuerySet[CodeList]:
    """List every code list with the number of its values (``value_count``). Public."""
    return CodeList.objects.annotate(value_count=Count("values")).order_by("identifier")


def code_list_get(*, identifier: str) -> CodeList:
    """Return the code list ``identifier``. Public. Raises ``NotFound``."""
    code_list = CodeList.objects.filter(identifier=identifier).first()
    if code_list is None:
        raise NotFound(_("There is no code list %(identifier)s.") % {"identifier": identifier})
    return code_list


def code_value_list(*, code_list: CodeList, valid_on: dt.date | None = None) -> QuerySet[CodeValue]:
    """List the values of ``code_list`` in their order, parents joined; only those valid on
    ``valid_on`` when given. Public."""
    values = code_list.values.select_related("parent").order_by("sort_order", "code")
    if valid_on is not None:
        values = values.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=valid_on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_on),
        )
    return values


def data_element_list(*, actor: User | None = None, query: str = "") -> QuerySet[DataElement]:
    """List data elements, code list and authority joined; ``query`` matches identifier or names.

    The public (and ``actor=None``) see elements in force or withdrawn; metadata maintainers
    also see drafts.
    """
    elements = DataElement.objects.select_related("code_list", "authority").order_by("identifier")
    if actor is None or not _sees_drafts(actor):
        elements = elements.exclude(status=DataElement.Status.DRAFT)
    if query:
        elements = elements.filter(
            Q(identifier__iexact=query) | Q(name__icontains=query) | Q(name_en__icontains=query)
        )
    return elements


def _sees_drafts(actor: User) -> bool:
    if org_selectors.is_platform_admin(user=actor):
        return True
    return org_selectors.departments_where(
        user=actor, role=StaffRole.Role.DEPARTMENT_ADMIN
    ).exists()


def data_element_visible_get(*, actor: User | None, identifier: str) -> DataElement:
    """Return the data element ``identifier`` if ``actor`` may see it (drafts: maintainers).

    Raises ``NotFound`` otherwise.
    """
    element = data_element_list(actor=actor).filter(identifier=identifier).first()
    if element is None:
        raise NotFound(_("There is no data element %(identifier)s.") % {"identifier": identifier})
    return element
