"""The staff actions on cases and tasks, declared once for the HTML workbench and the API.

Each ``StaffAction`` names its input (a DRF serializer: the API's request body and its OpenAPI
schema; the HTML forms hand their cleaned data, in the same shape, through the same serializer),
the service it calls and the message shown when it succeeded. The HTML forms only add what a
page needs (labels, widgets, choices); they validate nothing the serializer does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ecity.cases import services
from ecity.cases.models import CaseTask
from ecity.cases.selectors.workbench import StaffCase
from ecity.cases.services.supervision import MAX_EXTENSION_WORKING_DAYS
from ecity.core.errors import ValidationFailed
from ecity.org.models import Department

# --- inputs ----------------------------------------------------------------------------------

#: The largest whole number any staff action accepts (a database integer column holds it).
MAX_ACTION_NUMBER = 2**31 - 1


class ActionNumberField(serializers.IntegerField):
    """A whole number typed by staff or a client: ASCII digits only, always within bounds.

    Every numeric input of a staff action uses this field, so a probe sending a superscript
    digit ("²"), a number past the database's integer range or a fraction gets a field message
    (400), never a server error, whatever page or API sent it.
    """

    default_error_messages = {
        "invalid": _("Enter a whole number."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_ACTION_NUMBER)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, str) and not data.strip().lstrip("+-").isascii():
            self.fail("invalid")
        return super().to_internal_value(data)


class VersionInput(serializers.Serializer):
    expected_version = ActionNumberField(required=False)


class CompleteInput(VersionInput):
    outcome = serializers.ChoiceField(choices=["approve", "reject"])
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class AcceptInput(VersionInput):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RefuseInput(VersionInput):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class CorrectionItem(serializers.Serializer):
    field = serializers.CharField(required=False, max_length=100)
    material = serializers.CharField(required=False, max_length=100)
    message = serializers.CharField(max_length=2000)


class CorrectionRequestInput(VersionInput):
    task = serializers.UUIDField(required=False, allow_null=True)
    items = CorrectionItem(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class DecideInput(VersionInput):
    task = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=["approve", "reject"])
    decision_text = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ExtensionInput(serializers.Serializer):
    working_days = ActionNumberField(min_value=1, max_value=MAX_EXTENSION_WORKING_DAYS)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class CopyInput(serializers.Serializer):
    departments = serializers.ListField(child=serializers.CharField(max_length=32), min_length=1)


class UrgeInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


def input_validate(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """Validate ``data`` with the action's input; raises ``ValidationFailed`` (field messages)."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(fields=_flat_errors(serializer.errors))
    return dict(serializer.validated_data)


def _flat_errors(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    for name, value in errors.items():
        key = "__all__" if name == "non_field_errors" else name
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, Mapping):  # a nested serializer: keep the innermost messages
                for messages in _flat_errors(item).values():
                    flat.setdefault(key, []).extend(messages)
            else:
                flat.setdefault(key, []).append(str(item))
    return flat


# --- the table -------------------------------------------------------------------------------


def task_in(view: StaffCase, public_id: Any) -> CaseTask:
    """The task ``public_id`` of the case in ``view``; ``ValidationFailed`` if it has none."""
    for task in view.case.tasks.all():
        if str(task.public_id) == str(public_id):
            return task
    raise ValidationFailed(fields={"task": [str(_("No such task on this case."))]})


def _departments(codes: list[str]) -> list[Department]:
    departments = list(Department.objects.filter(code__in=codes))
    if len(departments) != len(set(codes)):
        raise ValidationFailed(fields={"departments": [str(_("Unknown department code."))]})
    return departments


@dataclass(frozen=True)
class StaffAction:
    """One thing staff do: on a case (``view`` given) or on one task (``task`` given)."""

    name: str
    target: Literal["case", "task"]
    input: type[serializers.Serializer]
    summary: str
    done: Promise
    run: Callable[..., object]

    def perform(
        self,
        *,
        actor: Any,
        data: Any,
        view: StaffCase | None = None,
        task: CaseTask | None = None,
    ) -> object:
        """Validate ``data`` with the input and call the service; returns what it returns."""
        values = input_validate(self.input, data)
        return self.run(actor=actor, view=view, task=task, data=values)


def _version(data: dict[str, Any]) -> int | None:
    return data.get("expected_version")


ACTIONS: dict[str, StaffAction] = {
    action.name: action
    for action in [
        StaffAction(
            name="claim",
            target="task",
            input=VersionInput,
            summary="Claim a task (it becomes yours until you release or complete it)",
            done=_("Task claimed."),
            run=lambda *, actor, task, data, **_k: services.task_claim(
                actor=actor, task=task, expected_version=_version(data)
            ),
        ),
        StaffAction(
            name="release",
            target="task",
            input=VersionInput,
            summary="Release a task you claimed (back to the department's queue)",
            done=_("Task released."),
            run=lambda *, actor, task, data, **_k: services.task_release(
                actor=actor, task=task, expected_version=_version(data)
            ),
        ),
        StaffAction(
            name="complete",
            target="task",
            input=CompleteInput,
            summary="Complete a review task with an outcome and an opinion",
            done=_("Your opinion has been recorded."),
            run=lambda *, actor, task, data, **_k: services.task_complete(
                actor=actor,
                task=task,
                outcome=data["outcome"],
                opinion=data.get("opinion", ""),
                expected_version=_version(data),
            ),
        ),
        StaffAction(
            name="accept",
            target="case",
            input=AcceptInput,
            summary="Accept a submitted case (受理): its process and time limits start",
            done=_("The case has been accepted."),
            run=lambda *, actor, view, data, **_k: services.case_accept(
                actor=actor,
                case=view.case,
                note=data.get("note", ""),
                expected_version=_version(data),
            ),
        ),
        StaffAction(
            name="refuse",
            target="case",
            input=RefuseInput,
            summary="Refuse to accept a submitted case (不予受理), with the reason",
            done=_("The case has not been accepted; the applicant has been told why."),
            run=lambda *, actor, view, data, **_k: services.case_refuse(
                actor=actor,
                case=view.case,
                reason=data.get("reason", ""),
                expected_version=_version(data),
            ),
        ),
        StaffAction(
            name="correction",
            target="case",
            input=CorrectionRequestInput,
            summary="Ask the applicant to correct the application (补正): the clock stops",
            done=_("The applicant has been asked to correct the application."),
            run=lambda *, actor, view, data, **_k: services.correction_request(
                actor=actor,
                case=view.case,
                task=task_in(view, data["task"]) if data.get("task") else None,
                items=data.get("items", []),
                note=data.get("note", ""),
                expected_version=_version(data),
            ),
        ),
        StaffAction(
            name="decide",
            target="case",
            input=DecideInput,
            summary="Decide the case (办结) on its decision task: approve or reject",
            done=_("The decision has been made."),
            run=lambda *, actor, view, data, **_k: services.case_decide(
                actor=actor,
                task=task_in(view, data["task"]),
                outcome=data["outcome"],
                decision_text=data.get("decision_text", ""),
                expected_version=_version(data),
            ),
        ),
        StaffAction(
            name="extension",
            target="case",
            input=ExtensionInput,
            summary="Extend the statutory time limit (延期) by some working days",
            done=_("The statutory time limit has been extended."),
            run=lambda *, actor, view, data, **_k: services.extension_grant(
                actor=actor,
                case=view.case,
                working_days=data["working_days"],
                reason=data.get("reason", ""),
            ),
        ),
        StaffAction(
            name="copy",
            target="case",
            input=CopyInput,
            summary="Copy related departments on the case (抄报): they may read it",
            done=_("The departments have been copied."),
            run=lambda *, actor, view, data, **_k: services.case_copy_to(
                actor=actor, case=view.case, departments=_departments(data["departments"])
            ),
        ),
        StaffAction(
            name="urge",
            target="case",
            input=UrgeInput,
            summary="Urge the handlers of a case (催办), as a supervisor",
            done=_("The handlers have been urged."),
            run=lambda *, actor, view, data, **_k: services.case_urge(
                actor=actor, case=view.case, note=data.get("note", "")
            ),
        ),
    ]
}
CASE_ACTIONS = tuple(name for name, a in ACTIONS.items() if a.target == "case")
TASK_ACTIONS = tuple(name for name, a in ACTIONS.items() if a.target == "task")
