"""Who handles each user task: department and role from attributes, properties or lanes; kind.

Precedence for department and role: the attributes ``ecity:department`` / ``ecity:role`` on the
user task, then extension properties named ``ecity:department`` / ``ecity:role``, then the name of
the task's (innermost) lane, written ``CODE:role`` and optionally followed by a space and a label.
Kind: ``ecity:kind``, else inferred (see ``infer_kinds``).
"""

from __future__ import annotations

from collections import deque
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from ecity.org.models import Department
from ecity.workflow.bpmn.bpmnxml import ECITY_NS, bpmn, label
from ecity.workflow.bpmn.spec import KINDS, UserTaskInfo, staff_roles

ECITY_ATTRIBUTES = frozenset({"department", "role", "kind"})


class TaskAssignment:
    """Mixin of the document checker: resolves the user tasks (needs ``nodes``, ``successors``)."""

    process: Any
    nodes: dict[str, etree._Element]
    successors: dict[str, list[str]]

    def error(self, message: str) -> None:
        raise NotImplementedError

    def of_type(self, name: str) -> list[etree._Element]:
        raise NotImplementedError

    def lanes(self) -> dict[str, str]:
        """The innermost lane name of each flow node."""
        result: dict[str, tuple[int, str]] = {}
        for lane in self.process.iter(bpmn("lane")):
            depth = sum(1 for a in lane.iterancestors() if a.tag == bpmn("lane"))
            for ref in lane.findall(bpmn("flowNodeRef")):
                node_id = (ref.text or "").strip()
                if node_id not in result or result[node_id][0] < depth:
                    result[node_id] = (depth, (lane.get("name") or "").strip())
        return {node_id: name for node_id, (_depth, name) in result.items()}

    def resolve_tasks(self, *, check_departments: bool) -> dict[str, UserTaskInfo]:
        lanes = self.lanes()
        inferred = self.infer_kinds()
        roles = staff_roles()
        tasks: dict[str, UserTaskInfo] = {}
        for node in self.of_type("userTask"):
            ident = node.get("id")
            department, role, kind = _task_assignment(node, lanes.get(ident, ""))
            where = label(node)
            if not department:
                self.error(
                    _(
                        "%(element)s has no department: put it in a lane named “CODE:role” (for "
                        "example “SCJ:reviewer”) or give it the attribute ecity:department."
                    )
                    % {"element": where}
                )
            if not role:
                self.error(
                    _(
                        "%(element)s has no role: name its lane “CODE:role” or give it the "
                        "attribute ecity:role."
                    )
                    % {"element": where}
                )
            elif role not in roles:
                self.error(
                    _("%(element)s: the role %(role)s is not one of %(roles)s.")
                    % {"element": where, "role": role, "roles": ", ".join(roles)}
                )
            if kind and kind not in KINDS:
                self.error(
                    _("%(element)s: the kind %(kind)s is not one of accept, review, decide.")
                    % {"element": where, "kind": kind}
                )
            kind = kind or inferred.get(ident, "")
            if not kind:
                self.error(
                    _(
                        "%(element)s: cannot tell whether it accepts, reviews or decides; give it "
                        "the attribute ecity:kind."
                    )
                    % {"element": where}
                )
            tasks[ident] = UserTaskInfo(
                id=ident,
                name=(node.get("name") or ident).strip(),
                department_code=department,
                role=role,
                kind=kind,
            )
        if not tasks:
            self.error(_("The process has no user task."))
        kinds = {task.kind for task in tasks.values()}
        if tasks and "accept" not in kinds:
            self.error(_("The process has no acceptance task (kind accept)."))
        if tasks and "decide" not in kinds:
            self.error(_("The process has no decision task (kind decide)."))
        if check_departments:
            self.check_departments(tasks)
        return tasks

    def infer_kinds(self) -> dict[str, str]:
        """accept: first user tasks; decide: no user task can follow; review: the others."""
        user_tasks = {n.get("id") for n in self.of_type("userTask")}

        def next_user_tasks(sources: list[str]) -> set[str]:
            found: set[str] = set()
            seen = set(sources)
            queue = deque(t for s in sources for t in self.successors.get(s, []))
            while queue:
                current = queue.popleft()
                if current in user_tasks:
                    found.add(current)
                    continue
                if current in seen:
                    continue
                seen.add(current)
                queue.extend(self.successors.get(current, []))
            return found

        starts = [n.get("id") for n in self.of_type("startEvent")]
        first = next_user_tasks(starts)
        result: dict[str, str] = {}
        for ident in user_tasks:
            is_first = ident in first
            is_last = not next_user_tasks([ident])
            if is_first and not is_last:
                result[ident] = "accept"
            elif is_last and not is_first:
                result[ident] = "decide"
            elif not is_first and not is_last:
                result[ident] = "review"
        return result

    def check_departments(self, tasks: dict[str, UserTaskInfo]) -> None:
        codes = {task.department_code for task in tasks.values() if task.department_code}
        active = set(
            Department.objects.filter(code__in=codes, is_active=True).values_list("code", flat=True)
        )
        for task in tasks.values():
            if task.department_code and task.department_code not in active:
                self.error(
                    _("%(element)s: there is no active department with the code %(code)s.")
                    % {"element": label(self.nodes[task.id]), "code": task.department_code}
                )


def _task_assignment(node: etree._Element, lane_name: str) -> tuple[str, str, str]:
    """Department code, role and kind of a user task: attributes, then properties, then lane."""
    values: dict[str, str] = {}
    lane_code, _sep, rest = lane_name.partition(":")
    if lane_name:
        lane_role = rest.split()[0] if rest.split() else ""
        values = {"department": lane_code.strip(), "role": lane_role.strip()}
        if not _sep:  # a lane named only "SCJ" (or "SCJ Market regulation") gives the department
            values = {"department": lane_name.split()[0]}
    for prop in node.iter("{*}property"):
        name = prop.get("name") or ""
        if name.startswith("ecity:") and name[6:] in ECITY_ATTRIBUTES:
            values[name[6:]] = (prop.get("value") or "").strip()
    for key in ECITY_ATTRIBUTES:
        attribute = node.get(f"{{{ECITY_NS}}}{key}")
        if attribute is not None:
            values[key] = attribute.strip()
    return values.get("department", ""), values.get("role", ""), values.get("kind", "")
