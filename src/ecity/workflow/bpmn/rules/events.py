"""Start, end and timer events: one start, at least one end, timers with a duration."""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.bpmnxml import DURATION_RE, bpmn, label


class EventRules:
    """Mixin of the document checker: the events (needs ``nodes``, ``incoming``, ``outgoing``)."""

    nodes: dict[str, etree._Element]
    incoming: dict[str, list[etree._Element]]
    outgoing: dict[str, list[etree._Element]]

    def error(self, message: str) -> None:
        raise NotImplementedError

    def of_type(self, name: str) -> list[etree._Element]:
        raise NotImplementedError

    def check_events(self) -> None:
        self.timers: dict[str, str] = {}
        starts = self.of_type("startEvent")
        if len(starts) != 1:
            self.error(
                _("A process needs exactly one start event; this one has %(count)d.")
                % {"count": len(starts)}
            )
        if not self.of_type("endEvent"):
            self.error(_("The process has no end event."))
        for node in (*starts, *self.of_type("endEvent")):
            if node.find(bpmn("timerEventDefinition")) is not None:
                self.error(
                    _("%(element)s: start and end events cannot be timers.")
                    % {"element": label(node)}
                )
            if node.tag == bpmn("startEvent") and self.incoming[node.get("id")]:
                self.error(_("%(element)s has incoming flows.") % {"element": label(node)})
            if node.tag == bpmn("endEvent") and self.outgoing[node.get("id")]:
                self.error(_("%(element)s has outgoing flows.") % {"element": label(node)})
        for node in (*self.of_type("intermediateCatchEvent"), *self.of_type("boundaryEvent")):
            self.check_timer(node)
        for node in self.of_type("boundaryEvent"):
            host = self.nodes.get(node.get("attachedToRef", ""))
            if host is None or host.tag != bpmn("userTask"):
                self.error(
                    _("%(element)s must be attached to a user task.") % {"element": label(node)}
                )
            if self.incoming[node.get("id")]:
                self.error(_("%(element)s has incoming flows.") % {"element": label(node)})

    def check_timer(self, node: etree._Element) -> None:
        timers = node.findall(bpmn("timerEventDefinition"))
        if len(timers) != 1:
            self.error(
                _("%(element)s must be a timer event (with one timer definition).")
                % {"element": label(node)}
            )
            return
        durations = timers[0].findall(bpmn("timeDuration"))
        others = timers[0].findall(bpmn("timeDate")) + timers[0].findall(bpmn("timeCycle"))
        text = (durations[0].text or "").strip() if len(durations) == 1 else ""
        if others or len(durations) != 1 or not DURATION_RE.match(text):
            self.error(
                _(
                    "%(element)s: a timer needs a duration in ISO 8601 form, such as P5D (five "
                    "days) or PT1H (one hour); dates, cycles and expressions are not allowed."
                )
                % {"element": label(node)}
            )
            return
        self.timers[node.get("id")] = text
