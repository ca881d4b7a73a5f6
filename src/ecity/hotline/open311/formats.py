"""The two wire formats of GeoReport v2: XML (required, built with lxml) and JSON.

Views build plain data (dicts, lists, strings, booleans, None) once; ``respond`` writes it in the
format the URL asked for. XML lists need a name for their items: ``ITEM_TAGS`` gives it per list
element, as the specification names them (``<services><service>``, ``<values><value>``…).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpResponse
from lxml import etree

XML = "xml"
JSON = "json"
FORMATS = (XML, JSON)
CONTENT_TYPES = {
    XML: "text/xml; charset=utf-8",
    JSON: "application/json; charset=utf-8",
}

ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}

# Characters XML 1.0 cannot hold at all (lxml refuses them rather than escaping them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_INVALID.sub("", str(value))


def _append(parent: etree._Element, tag: str, value: Any) -> None:
    element = etree.SubElement(parent, tag)
    _fill(element, tag, value)


def _fill(element: etree._Element, tag: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
        item_tag = ITEM_TAGS.get(tag, "item")
        for child in value:
            _append(element, item_tag, child)
    else:
        element.text = _text(value)


def to_xml(root: str, data: Any) -> bytes:
    """Serialise ``data`` under the element ``root`` (UTF-8, with the XML declaration)."""
    element = etree.Element(root)
    _fill(element, root, data)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def respond(fmt: str, *, root: str, data: Any, status: int = 200) -> HttpResponse:
    """Answer ``data`` in ``fmt``: XML under ``root``, JSON as the bare list or object."""
    if fmt == XML:
        body = to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def respond_errors(fmt: str, *, status: int, descriptions: Sequence[str]) -> HttpResponse:
    """The specification's error answer: one ``<error>`` (code, description) per problem."""
    errors = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, root="errors", data=errors, status=status)
