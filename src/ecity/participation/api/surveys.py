"""Survey API: list the surveys open now with their questions; a signed-in person answers one.

* ``GET /api/v1/participation/surveys/`` — anyone; ``?department=<code>`` filters.
* ``POST /api/v1/participation/surveys/<id>/responses/`` — a signed-in account; the answers are
  keyed by each question's ``field`` (``q-<question id>``) exactly as the taking form and
  ``survey_answers`` expect, and errors come back per ``field`` in the platform's envelope.
  File-upload questions are answered on the HTML page only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.errors import NotFound
from ecity.core.idempotency import idempotent_api
from ecity.participation.models import Survey, SurveyOption, SurveyQuestion
from ecity.participation.selectors import surveys as selectors
from ecity.participation.services import surveys as services

TAGS = ["participation"]


class SurveyOptionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    text = serializers.CharField()


class SurveyConditionOutput(serializers.Serializer):
    field = serializers.CharField(help_text="The `field` of the question this one depends on.")
    options = serializers.ListField(
        child=serializers.UUIDField(), help_text="Shown when one of these options is chosen."
    )


def _of_role(question: SurveyQuestion, role: str) -> list[SurveyOption]:
    return sorted((o for o in question.options.all() if o.role == role), key=lambda o: o.position)


class SurveyQuestionOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    field = serializers.CharField(
        source="field_name", read_only=True, help_text="The key of this question's answer."
    )
    options = serializers.SerializerMethodField(
        help_text="Options of a choice or ranking question; the columns of a matrix."
    )
    rows = serializers.SerializerMethodField(help_text="The rows of a matrix.")
    condition = serializers.SerializerMethodField(
        help_text="Null when the question is always shown."
    )

    class Meta:
        model = SurveyQuestion
        fields = [
            "id",
            "field",
            "position",
            "kind",
            "text",
            "help_text",
            "is_required",
            "min_choices",
            "max_choices",
            "min_value",
            "max_value",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
            "max_file_mb",
            "options",
            "rows",
            "condition",
        ]

    @extend_schema_field(SurveyOptionOutput(many=True))
    def get_options(self, question: SurveyQuestion) -> list[dict[str, Any]]:
        return list(
            SurveyOptionOutput(_of_role(question, SurveyOption.Role.OPTION), many=True).data
        )

    @extend_schema_field(SurveyOptionOutput(many=True))
    def get_rows(self, question: SurveyQuestion) -> list[dict[str, Any]]:
        return list(SurveyOptionOutput(_of_role(question, SurveyOption.Role.ROW), many=True).data)

    @extend_schema_field(SurveyConditionOutput(allow_null=True))
    def get_condition(self, question: SurveyQuestion) -> dict[str, Any] | None:
        parent = question.condition_question
        if parent is None:
            return None
        return {
            "field": parent.field_name,
            "options": [str(o.public_id) for o in question.condition_options.all()],
        }


class SurveyOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    department = serializers.CharField(source="department.name_zh", read_only=True)
    department_code = serializers.CharField(source="department.code", read_only=True)
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "introduction",
            "department",
            "department_code",
            "opens_at",
            "closes_at",
            "is_anonymous",
            "is_one_answer_per_person",
            "are_results_public",
            "questions",
        ]

    @extend_schema_field(SurveyQuestionOutput(many=True))
    def get_questions(self, survey: Survey) -> list[dict[str, Any]]:
        return list(SurveyQuestionOutput(selectors.questions_of(survey), many=True).data)


@extend_schema(
    tags=TAGS,
    summary="List the surveys open now, with their questions (网上调查)",
    parameters=[
        OpenApiParameter(
            "department", str, description="Only the surveys of the department with this code."
        )
    ],
)
class SurveyListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = SurveyOutput

    def get_queryset(self) -> QuerySet[Survey]:
        surveys = selectors.survey_list_open().order_by("-created_at", "pk")
        department = self.request.query_params.get("department", "").strip()
        if department:
            surveys = surveys.filter(department__code=department)
        return surveys


class SurveyResponseInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        allow_empty=True,
        help_text="Answers keyed by each question's `field`: an option id (single choice), a "
        "list of option ids (multiple choice), a text, a number, a rating (1 … scale_max), "
        "{row id: column id} (matrix), or every option id in order, best first (ranking).",
    )


class SurveyResponseOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    survey = serializers.UUIDField(source="survey.public_id")
    submitted_at = serializers.DateTimeField(source="created_at")


@extend_schema(
    tags=TAGS,
    summary="Answer an open survey (signed-in accounts)",
    request=SurveyResponseInput,
    responses={
        201: SurveyResponseOutput,
        400: OpenApiResponse(
            description="`validation_failed` with a message per question `field`, or "
            "`survey_not_open`."
        ),
        409: OpenApiResponse(description="`survey_already_answered` (real-name surveys)."),
    },
    examples=[
        OpenApiExample(
            "Answers",
            request_only=True,
            value={
                "answers": {
                    "q-3f1c2a9e-0b7d-4c51-9a53-2f0f1d1b8e01": (
                        "7d9e4c1a-1f2b-4c3d-8e9f-0a1b2c3d4e5f"
                    ),
                    "q-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d": "4",
                    "q-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a": "希望增加夜间公交班次。",
                }
            },
        ),
        OpenApiExample(
            "A required question left out",
            response_only=True,
            status_codes=["400"],
            value={
                "code": "validation_failed",
                "message": "请检查填写的内容。",
                "fields": {"q-3f1c2a9e-0b7d-4c51-9a53-2f0f1d1b8e01": ["此题为必答题。"]},
            },
        ),
    ],
)
class ResponseSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    @idempotent_api(scope="survey_response_submit")
    def post(self, request: Request, survey_id: str) -> Response:
        try:
            survey = selectors.survey_get_public(public_id=survey_id)
        except NotFound as error:
            raise Http404 from error
        given = SurveyResponseInput(data=request.data)
        given.is_valid(raise_exception=True)
        response = services.response_submit(
            actor=request.user,
            survey=survey,
            raw=given.validated_data["answers"],
        )
        return Response(SurveyResponseOutput(response).data, status=status.HTTP_201_CREATED)
