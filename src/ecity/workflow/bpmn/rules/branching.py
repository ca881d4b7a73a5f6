"""How the flow branches: one flow out of a task, gateways, parallel branches, conditions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from ecity.workflow.bpmn.bpmnxml import EXPRESSION_LANGUAGE, bpmn, label, local_name
from ecity.workflow.bpmn.expressions import expression_check
from ecity.workflow.bpmn.spec import max_parallel_branches


class BranchingRules:
    """Mixin of the document checker: splits and conditions (needs ``nodes``, ``outgoing``)."""

    nodes: dict[str, etree._Element]
    outgoing: dict[str, list[etree._Element]]
    flows: list[etree._Element]
    allowed_names: set[str] | None

    def error(self, message: str) -> None:
        raise NotImplementedError

    def check_flows(self) -> None:
        self.widest_split = 0
        limit = max_parallel_branches()
        for ident, node in self.nodes.items():
            out = self.outgoing[ident]
            kind = local_name(node)
            if kind in {"exclusiveGateway", "parallelGateway"}:
                if kind == "parallelGateway":
                    self.widest_split = max(self.widest_split, len(out))
                    if len(out) > limit:
                        self.error(
                            _(
                                "%(element)s opens %(count)d parallel branches; at most %(limit)d "
                                "are allowed."
                            )
                            % {"element": label(node), "count": len(out), "limit": limit}
                        )
                else:
                    self.check_exclusive(node, out)
            elif len(out) > 1:
                self.error(
                    _("%(element)s has %(count)d outgoing flows: use a gateway to split the flow.")
                    % {"element": label(node), "count": len(out)}
                )
        for flow in self.flows:
            condition = flow.find(bpmn("conditionExpression"))
            source = self.nodes.get(flow.get("sourceRef", ""))
            if condition is None or source is None:
                continue
            if source.tag != bpmn("exclusiveGateway"):
                self.error(
                    _(
                        "%(flow)s: conditions are allowed only on flows leaving an exclusive "
                        "gateway."
                    )
                    % {"flow": label(flow)}
                )
                continue
            language = condition.get("language")
            if language not in (None, "", EXPRESSION_LANGUAGE):
                self.error(
                    _(
                        "%(flow)s: the condition language %(language)s is not supported; omit the "
                        "language attribute or use %(ours)s."
                    )
                    % {"flow": label(flow), "language": language, "ours": EXPRESSION_LANGUAGE}
                )
                continue
            for problem in expression_check(condition.text or "", allowed_names=self.allowed_names):
                self.error(
                    _("%(flow)s: condition “%(text)s”: %(problem)s")
                    % {
                        "flow": label(flow),
                        "text": (condition.text or "").strip()[:80],
                        "problem": problem,
                    }
                )

    def check_exclusive(self, gateway: etree._Element, out: list[etree._Element]) -> None:
        default = gateway.get("default")
        ids = [flow.get("id") for flow in out]
        if default and default not in ids:
            self.error(
                _("%(element)s: its default flow %(flow)s does not leave this gateway.")
                % {"element": label(gateway), "flow": default}
            )
        if len(out) < 2:
            return
        if not default:
            self.error(
                _(
                    "%(element)s needs a default flow, taken when no condition holds (in the "
                    "modeller: “Default flow”)."
                )
                % {"element": label(gateway)}
            )
        for flow in out:
            if flow.get("id") != default and flow.find(bpmn("conditionExpression")) is None:
                self.error(
                    _(
                        "%(flow)s leaves %(element)s without a condition and is not its default "
                        "flow."
                    )
                    % {"flow": label(flow), "element": label(gateway)}
                )
