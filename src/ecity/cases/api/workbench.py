"""Workbench and supervision API: staff queues, the staff case view and every staff action.

Thin views over ``ecity.cases.services`` and ``ecity.cases.selectors``. Errors use the ecity
envelope: 400 field errors, 403 without the role, 404 for cases the caller may not see, 409 when
someone else handled the task first (send the task's ``expected_version``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.cases import selectors
from ecity.cases.actions import ACTIONS, CASE_ACTIONS, TASK_ACTIONS, StaffAction
from ecity.cases.deadlines import is_past_statutory, provisional_deadline_years
from ecity.cases.models import Case, CaseTask
from ecity.cases.services.access import case_read_record
from ecity.catalogue.api.serializers import FormAnswerSerializer
from ecity.catalogue.form_answers import form_answers
from ecity.core.api import ERROR_ENVELOPE_SCHEMA as ENVELOPE
from ecity.core.api import Pagination
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.core.masking import mask_form_data, mask_id_number, shown
from ecity.org.models import Department
from ecity.org.selectors import is_staff_member

CONFLICT_EXAMPLE = OpenApiExample(
    "Handled by someone else",
    value={
        "code": "conflict",
        "message": "Someone else has already handled this task. Reload and try again.",
        "fields": {},
    },
    response_only=True,
    status_codes=["409"],
)
ERRORS = {400: ENVELOPE, 403: ENVELOPE, 404: ENVELOPE, 409: ENVELOPE}


class IsStaff(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user.is_authenticated:
            return False
        if not is_staff_member(user=request.user):
            raise PermissionDenied(_staff_only())
        return True


def _staff_only() -> str:
    return _("Only staff can use the workbench.")


# --- output ------------------------------------------------------------------------------


class WorkbenchDepartmentRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(source="name_zh")


class TaskOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case_number = serializers.CharField(source="case.number")
    name = serializers.CharField()
    kind = serializers.CharField()
    department = WorkbenchDepartmentRef()
    role = serializers.CharField()
    status = serializers.CharField()
    claimed_by = serializers.CharField(source="claimed_by.username", default=None)
    completed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    opinion = serializers.CharField()
    version = serializers.IntegerField(source="lock_version")


class CaseRowOutput(serializers.Serializer):
    number = serializers.CharField()
    service = serializers.CharField(source="service_version.name_zh")
    department = WorkbenchDepartmentRef()
    applicant_name = serializers.CharField()
    applicant_id = serializers.SerializerMethodField()
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    acceptance_due_on = serializers.DateField(allow_null=True)
    committed_due_on = serializers.DateField(allow_null=True)
    statutory_due_on = serializers.DateField(allow_null=True)
    deadline_state = serializers.CharField()
    is_past_statutory = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="lock_version")

    def get_applicant_id(self, case: Case) -> str:
        return mask_id_number(case.applicant_identifier)

    def get_is_past_statutory(self, case: Case) -> bool:
        return is_past_statutory(case)


class QueueCaseOutput(CaseRowOutput):
    open_tasks = TaskOutput(many=True)


class QueueTaskOutput(TaskOutput):
    case = CaseRowOutput()


class EventOutput(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
    department = serializers.CharField(source="department.code", default=None)
    task = serializers.UUIDField(source="task.public_id", default=None)
    note = serializers.CharField()
    data = serializers.JSONField()
    is_public = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class ApplicantRecordRef(serializers.Serializer):
    """Which base-registry record the applicant snapshot references (no personal data)."""

    registry = serializers.ChoiceField(choices=["person", "legal_entity"])
    id = serializers.UUIDField(help_text="The record's public ID in the registry.")


class StaffCaseOutput(CaseRowOutput):
    """One case for staff: personal data in full only for those handling it, else masked."""

    form_data = serializers.SerializerMethodField()
    form_answers = serializers.SerializerMethodField()
    is_personal_data_masked = serializers.SerializerMethodField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_text = serializers.CharField()
    suspended_working_days = serializers.IntegerField()
    extension_working_days = serializers.IntegerField()
    is_read_only = serializers.SerializerMethodField()
    applicant_record = serializers.SerializerMethodField(
        help_text=(
            "The applicant's record in the base registries (the person record, or the "
            "legal-entity record of an enterprise) as a reference; null when there is none. "
            "The snapshot (applicant_name, applicant_id) is as submitted."
        )
    )
    actionable_tasks = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField()
    opinions = serializers.SerializerMethodField()
    copied_departments = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    provisional_deadline_years = serializers.SerializerMethodField(
        help_text=(
            "Years without official holiday data that the deadlines reach into: the deadlines "
            "were counted Monday to Friday there and may move when the holidays are entered."
        )
    )

    def _view(self) -> Any:
        return self.context["view_"]

    def get_is_read_only(self, case: Case) -> bool:
        return bool(self._view().is_read_only)

    @extend_schema_field(ApplicantRecordRef(allow_null=True))
    def get_applicant_record(self, case: Case) -> dict | None:
        if case.applicant_person is not None:
            return {"registry": "person", "id": str(case.applicant_person.public_id)}
        if case.applicant_legal_entity is not None:
            return {"registry": "legal_entity", "id": str(case.applicant_legal_entity.public_id)}
        return None

    def get_applicant_id(self, case: Case) -> str:
        unmasked = self._view().shows_personal_data
        return shown(case.applicant_identifier, "id_number", unmasked=unmasked)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_form_data(self, case: Case) -> dict:
        if self._view().shows_personal_data:
            return dict(case.form_data)
        return mask_form_data(case.form_data, case.service_version.form_schema)

    @extend_schema_field(FormAnswerSerializer(many=True))
    def get_form_answers(self, case: Case) -> list:
        """The answers as the applicant reads them (labels of choices), masked like form_data."""
        answers = form_answers(case.service_version.form_schema, self.get_form_data(case))
        return list(FormAnswerSerializer(answers, many=True).data)

    def get_is_personal_data_masked(self, case: Case) -> bool:
        return not self._view().shows_personal_data

    def get_actionable_tasks(self, case: Case) -> list:
        return [str(t.public_id) for t in self._view().actionable_tasks]

    def get_tasks(self, case: Case) -> list:
        tasks = case.tasks.select_related("department", "claimed_by", "case")
        return list(TaskOutput(tasks, many=True).data)

    def get_opinions(self, case: Case) -> list:
        return list(
            TaskOutput(selectors.case_opinions(case=case).select_related("case"), many=True).data
        )

    def get_copied_departments(self, case: Case) -> list:
        return [c.department.code for c in case.copies.select_related("department")]

    def get_timeline(self, case: Case) -> list:
        return list(EventOutput(selectors.case_timeline(case=case), many=True).data)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_provisional_deadline_years(self, case: Case) -> list[int]:
        return provisional_deadline_years(case)


def _case_response(request: Request, number: str, status: int = 200) -> Response:
    """The case as ``StaffCaseOutput``; every answer that carries it is an audited read."""
    view = selectors.case_get_for_staff(actor=request.user, number=number)
    case_read_record(request=request, view=view, channel="api")
    data = StaffCaseOutput(view.case, context={"view_": view, "request": request}).data
    return Response(data, status=status)


# --- views ---------------------------------------------------------------------------------


class _StaffApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsStaff]


class _StaffListApi(GenericAPIView):
    """A paginated staff list (``count``, ``next``, ``previous``, ``results``)."""

    permission_classes = [permissions.IsAuthenticated, IsStaff]
    pagination_class = Pagination
    queryset = CaseTask.objects.none()  # rows come from the selectors (for the schema only)


# A queue lists cases (with their open tasks) or tasks (with their case), depending on its name.
QUEUE_ROW = PolymorphicProxySerializer(
    component_name="QueueRow",
    serializers=[QueueCaseOutput, QueueTaskOutput],
    resource_type_field_name=None,
    many=True,
)


class QueueApi(_StaffListApi):
    @extend_schema(
        tags=["workbench"],
        summary="One workbench queue",
        description=(
            "to_accept, awaiting_correction, due_soon and overdue list cases (with their open "
            "tasks); to_review, to_decide and done list tasks (with their case)."
        ),
        parameters=[
            OpenApiParameter("department", OpenApiTypes.STR, description="Department code"),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: QUEUE_ROW, **ERRORS},
    )
    def get(self, request: Request, name: str) -> Response:
        department = None
        code = request.query_params.get("department")
        if code:
            department = Department.objects.filter(code=code).values_list("id", flat=True).first()
            if department is None:
                raise ValidationFailed(fields={"department": [_("Unknown department code.")]})
        rows = selectors.queue(actor=request.user, name=name, department=department)
        page = self.paginate_queryset(rows)
        output = QueueTaskOutput if rows.model is CaseTask else QueueCaseOutput
        return self.get_paginated_response(output(page, many=True).data)


class StaffCaseApi(_StaffApi):
    @extend_schema(
        tags=["workbench"],
        summary="One case as staff see it",
        responses={200: StaffCaseOutput, **ERRORS},
    )
    def get(self, request: Request, number: str) -> Response:
        return _case_response(request, number)


def _task_action_api(action: StaffAction) -> type[_StaffApi]:
    """The API view of one task action: its own input schema, one operation in OpenAPI."""

    class Api(_StaffApi):
        @extend_schema(
            tags=["workbench"],
            summary=action.summary,
            operation_id=f"workbench_task_{action.name}",
            request=action.input,
            responses={200: TaskOutput, **ERRORS},
            examples=[CONFLICT_EXAMPLE],
        )
        def post(self, request: Request, public_id: str) -> Response:
            task = selectors.task_get_for_staff(actor=request.user, public_id=public_id)
            task = action.perform(actor=request.user, task=task, data=request.data)
            task = CaseTask.objects.select_related("case", "department", "claimed_by").get(
                pk=task.pk
            )
            return Response(TaskOutput(task).data)

    Api.__name__ = Api.__qualname__ = f"Task{action.name.title()}Api"
    return Api


def _case_action_api(action: StaffAction) -> type[_StaffApi]:
    """The API view of one case action: its own input schema, one operation in OpenAPI."""

    class Api(_StaffApi):
        @extend_schema(
            tags=["workbench"],
            summary=action.summary,
            operation_id=f"workbench_case_{action.name}",
            request=action.input,
            responses={200: StaffCaseOutput, **ERRORS},
            examples=[CONFLICT_EXAMPLE],
        )
        def post(self, request: Request, number: str) -> Response:
            view = selectors.case_get_for_staff(actor=request.user, number=number)
            action.perform(actor=request.user, view=view, data=request.data)
            return _case_response(request, number)

    Api.__name__ = Api.__qualname__ = f"Case{action.name.title()}Api"
    return Api


#: One API view per staff action (``TaskClaimApi``, ``CaseAcceptApi``, …), from the action table.
TASK_ACTION_APIS = {name: _task_action_api(ACTIONS[name]) for name in TASK_ACTIONS}
CASE_ACTION_APIS = {name: _case_action_api(ACTIONS[name]) for name in CASE_ACTIONS}


class SupervisionCasesApi(_StaffListApi):
    @extend_schema(
        tags=["supervision"],
        summary="Cases due soon or overdue that the caller supervises",
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=["due_soon", "overdue"], required=True)
        ],
        responses={200: QueueCaseOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        rows = selectors.supervision_cases(
            actor=request.user, state=request.query_params.get("state", "")
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(QueueCaseOutput(page, many=True).data)


class PerformanceOutput(serializers.Serializer):
    department = WorkbenchDepartmentRef()
    decided = serializers.IntegerField()
    on_time = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    average_working_days = serializers.FloatField(allow_null=True)


class SupervisionPerformanceApi(_StaffApi):
    @extend_schema(
        tags=["supervision"],
        summary="Each department's cases decided, on-time rate and average handling time",
        parameters=[OpenApiParameter("since", OpenApiTypes.DATE)],
        responses={200: PerformanceOutput(many=True), **ERRORS},
    )
    def get(self, request: Request) -> Response:
        since = None
        if request.query_params.get("since"):
            since = serializers.DateField().to_internal_value(request.query_params["since"])
        rows = selectors.department_performance(actor=request.user, since=since)
        return Response(PerformanceOutput(rows, many=True).data)


__all__ = [
    "CASE_ACTION_APIS",
    "TASK_ACTION_APIS",
    "QueueApi",
    "StaffCaseApi",
    "SupervisionCasesApi",
    "SupervisionPerformanceApi",
]
