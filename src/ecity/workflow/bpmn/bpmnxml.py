"""Namespaces, the safe XML parser and small helpers shared by the BPMN validator and builder."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# Our extension namespace: attributes ecity:department, ecity:role and ecity:kind on user tasks.
ECITY_NS = "https://ecity.example/bpmn"
# The value of conditionExpression/@language for our safe expression language (or omit it).
EXPRESSION_LANGUAGE = "https://ecity.example/bpmn/expression"

NSMAP = {"bpmn": BPMN_NS, "bpmndi": BPMNDI_NS, "dc": DC_NS, "di": DI_NS, "ecity": ECITY_NS}

MAX_BPMN_BYTES = 1_000_000
# XML ids are NCNames; SpiffWorkflow puts ids into XPath queries, so nothing else gets through.
ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,199}$")
# ISO 8601 durations as SpiffWorkflow understands them: PnW, or P[nY][nM][nD][T[nH][nM][nS]].
DURATION_RE = re.compile(
    r"^P(?:\d+W|(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+S)?)?)$"
)


class UnsafeXml(ValueError):
    """The document is not well-formed XML, too large, or declares a DTD."""


def bpmn(local: str) -> str:
    return f"{{{BPMN_NS}}}{local}"


def xml_parse(xml: str | bytes) -> etree._Element:
    """Parse ``xml`` without DTDs, entities or network access (XXE and entity bombs are refused)."""
    data = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    if len(data) > MAX_BPMN_BYTES:
        raise UnsafeXml(
            _("The file is too large: at most %(limit)d KB are allowed.")
            % {"limit": MAX_BPMN_BYTES // 1000}
        )
    if isinstance(xml, str):
        # lxml refuses text with an encoding declaration; the bytes are UTF-8 now anyway.
        data = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data, count=1)
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise UnsafeXml(_("The file must not contain a document type declaration (DOCTYPE)."))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise UnsafeXml(
            _("The file is not well-formed XML: %(problem)s") % {"problem": error.msg}
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        # Reached only by encodings the byte check above cannot see (UTF-16 …).
        raise UnsafeXml(_("The file must not contain a document type declaration (DOCTYPE)."))
    return root


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def namespace(element: etree._Element) -> str:
    return etree.QName(element).namespace or ""


def label(element: etree._Element) -> str:
    """How messages name an element: its type, name and id, e.g. userTask “Fire review” (Task_3).

    An element without id or name (an event definition, a condition) is named with the nearest
    element around it that has one: messageEventDefinition in startEvent “Submitted” (Start_1).
    """
    kind = local_name(element)
    name = (element.get("name") or "").strip()
    ident = element.get("id") or ""
    if name and ident:
        return f"{kind} “{name}” ({ident})"
    if ident:
        return f"{kind} {ident}"
    if name:
        return f"{kind} “{name}”"
    for owner in element.iterancestors():
        if owner.get("id") or owner.get("name"):
            return _("%(element)s in %(owner)s") % {"element": kind, "owner": label(owner)}
    return kind
