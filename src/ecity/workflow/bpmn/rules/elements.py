"""What a document may contain: BPMN elements, extensions and attributes that carry no code."""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.assignment import ECITY_ATTRIBUTES
from ecity.workflow.bpmn.bpmnxml import (
    BPMN_NS,
    BPMNDI_NS,
    DC_NS,
    DI_NS,
    ECITY_NS,
    ID_RE,
    XSI_NS,
    bpmn,
    label,
    local_name,
    namespace,
)

FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "userTask",
        "exclusiveGateway",
        "parallelGateway",
        "intermediateCatchEvent",
        "boundaryEvent",
    }
)
ALLOWED_BPMN_ELEMENTS = FLOW_NODES | {
    "definitions",
    "process",
    "collaboration",
    "participant",
    "messageFlow",  # between pools of a collaboration: drawn, never run
    "laneSet",
    "lane",
    "childLaneSet",
    "flowNodeRef",
    "sequenceFlow",
    "conditionExpression",
    "incoming",
    "outgoing",
    "timerEventDefinition",
    "timeDuration",
    "timeDate",  # refused by the timer rule, with a clearer message
    "timeCycle",
    "textAnnotation",
    "text",
    "association",
    "documentation",
    "extensionElements",
    "group",
    "category",
    "categoryValue",
}
DIAGRAM_NAMESPACES = frozenset({BPMNDI_NS, DC_NS, DI_NS})
# Extension elements that carry code in some engine (Spiff, Camunda, Zeebe, Flowable, Activiti).
CODE_EXTENSIONS = frozenset(
    {
        "script",
        "preScript",
        "postScript",
        "executionListener",
        "taskListener",
        "inputOutput",
        "inputParameter",
        "outputParameter",
        "connector",
        "field",
        "expression",
        "calledDecision",
        "taskDefinition",
        "ioMapping",
        "input",
        "output",
        "serviceTaskOperator",
    }
)
CODE_ATTRIBUTES = frozenset(
    {"expression", "delegateExpression", "class", "script", "resultVariable", "scriptFormat"}
)
# Names SpiffWorkflow gives its own task specs; a BPMN element with one of them is silently lost.
RESERVED_IDS = frozenset({"Start", "End", "Root", "StartEventSplit", "StartEventJoin"})
RESERVED_SUFFIXES = (".EndJoin", ".BoundaryEventSplit", ".BoundaryEventJoin", " [child]")


class ElementRules:
    """Mixin of the document checker: every element, extension and attribute, and the ids."""

    root: etree._Element

    def error(self, message: str) -> None:
        raise NotImplementedError

    def is_pool(self, process: etree._Element) -> bool:
        raise NotImplementedError

    def check_elements(self, executable: etree._Element | None) -> None:
        """Check every element and attribute, except inside pools that do not run.

        The processes of other pools of a collaboration (the applicant, an outside party),
        marked not executable, are only drawn: ecity never runs them, so what they contain is
        not checked beyond their ids.
        """
        forbidden = False
        seen_ids: set[str] = set()
        drawn_only = {
            p for p in self.root.findall(bpmn("process")) if p is not executable and self.is_pool(p)
        }
        for element in self.root.iter(tag=etree.Element):
            ns, name = namespace(element), local_name(element)
            if drawn_only and any(a in drawn_only for a in element.iterancestors()):
                ident = element.get("id")
                if ident is not None and ident in seen_ids:
                    self.error(_("The id %(id)s is used more than once.") % {"id": ident})
                seen_ids.add(ident or "")
                continue
            inside_extension = any(
                a.tag == bpmn("extensionElements") for a in element.iterancestors()
            )
            if inside_extension:
                self.check_extension(element)
            elif ns == BPMN_NS:
                if name == "script":
                    self.error(
                        _("Scripts are not allowed (found in %(element)s).")
                        % {"element": label(element.getparent())}
                    )
                elif name not in ALLOWED_BPMN_ELEMENTS:
                    forbidden = True
                    self.error(
                        _("%(element)s: unknown or forbidden element.")
                        % {"element": label(element)}
                    )
            elif ns not in DIAGRAM_NAMESPACES:
                self.error(
                    _("%(element)s: element from namespace %(namespace)s is not allowed here.")
                    % {"element": label(element), "namespace": ns or "—"}
                )
            self.check_attributes(element)
            ident = element.get("id")
            if ident is not None and ns == BPMN_NS:
                if not ID_RE.match(ident):
                    self.error(
                        _(
                            "%(element)s: the id must start with a letter and use only letters, "
                            "digits, “_”, “-” and “.”."
                        )
                        % {"element": label(element)}
                    )
                elif ident in RESERVED_IDS or ident.endswith(RESERVED_SUFFIXES):
                    self.error(
                        _(
                            "%(element)s: the id %(id)s is reserved by the process engine; rename "
                            "it (for example %(id)s_1)."
                        )
                        % {"element": label(element), "id": ident}
                    )
                elif ident in seen_ids:
                    self.error(_("The id %(id)s is used more than once.") % {"id": ident})
                seen_ids.add(ident)
        if forbidden:
            self.error(
                _(
                    "Allowed elements: start and end events, user tasks, exclusive and parallel "
                    "gateways, sequence flows, lanes, timer events with a duration, annotations."
                )
            )

    def check_extension(self, element: etree._Element) -> None:
        ns, name = namespace(element), local_name(element)
        owner = element
        while owner.tag != bpmn("extensionElements"):
            owner = owner.getparent()
        owner = owner.getparent()
        if name in CODE_EXTENSIONS:
            self.error(
                _("%(element)s: extension %(extension)s can carry code and is not allowed.")
                % {"element": label(owner), "extension": name}
            )
        elif not (ns == ECITY_NS or name in {"properties", "property", "userTask"}):
            self.error(
                _(
                    "%(element)s: extension %(extension)s is not supported; only ecity properties "
                    "are allowed in extensionElements."
                )
                % {"element": label(owner), "extension": name}
            )

    def check_attributes(self, element: etree._Element) -> None:
        for key, value in element.attrib.items():
            qname = etree.QName(key)
            ns, name = qname.namespace or "", qname.localname
            if ns in {"", XSI_NS}:
                continue
            if ns == ECITY_NS:
                if name not in ECITY_ATTRIBUTES or element.tag != bpmn("userTask"):
                    self.error(
                        _(
                            "%(element)s: unknown attribute ecity:%(name)s (allowed on user tasks: "
                            "ecity:department, ecity:role, ecity:kind)."
                        )
                        % {"element": label(element), "name": name}
                    )
            elif name in CODE_ATTRIBUTES or "${" in value or "#{" in value:
                self.error(
                    _("%(element)s: attribute %(name)s carries code and is not allowed.")
                    % {"element": label(element), "name": name}
                )
