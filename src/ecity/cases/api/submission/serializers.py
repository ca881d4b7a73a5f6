"""The case as the applicant reads it through the API: summary and detail serializers."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ecity.cases.api.submission.schema import STATUS_HELP
from ecity.cases.deadlines import provisional_deadline_years
from ecity.cases.models import Case, Rating
from ecity.cases.selectors import applicant as applicant_selectors
from ecity.cases.selectors import progress as progress_selectors
from ecity.cases.selectors.progress import StepState
from ecity.catalogue.api.serializers import FormAnswerSerializer
from ecity.catalogue.form_answers import form_answers


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_zh = serializers.CharField()
    name_en = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    number = serializers.CharField()
    query_code = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_label = serializers.CharField(source="get_status_display")
    service = serializers.SerializerMethodField()
    department = CodeNameSerializer()
    channel = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    acceptance_due_on = serializers.DateField(allow_null=True)
    committed_due_on = serializers.DateField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    deadline_state = serializers.CharField()

    @extend_schema_field(CodeNameSerializer)
    def get_service(self, case: Case) -> dict[str, str]:
        version = case.service_version
        return {"code": version.item.code, "name_zh": version.name_zh, "name_en": version.name_en}


class EventSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField(source="get_action_display")  # type: ignore[assignment]
    at = serializers.DateTimeField(source="created_at")
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    note = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    material_id = serializers.UUIDField(source="material.public_id")
    material = serializers.CharField(source="material.name")
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField(source="created_at")
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, attachment: Any) -> str:
        return reverse(
            "cases:attachment_download", args=[attachment.case.number, attachment.public_id]
        )


class CorrectionSerializer(serializers.Serializer):
    note = serializers.CharField()
    items = serializers.JSONField()
    requested_at = serializers.DateTimeField(source="created_at")


class RatingSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Rating.Level.choices)
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class DepartmentStepSerializer(serializers.Serializer):
    """One involved department's step, as the applicant may read it (no opinions)."""

    department = CodeNameSerializer()
    state = serializers.ChoiceField(choices=StepState.choices)
    state_label = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)


class CaseDetailSerializer(CaseSerializer):
    form_data = serializers.JSONField()
    form_answers = serializers.SerializerMethodField()
    provisional_deadline_years = serializers.SerializerMethodField(
        help_text=(
            "Years without official holiday data that the deadlines reach into: the deadlines "
            "may move when that year's holidays are entered."
        )
    )
    progress = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField()

    @extend_schema_field(FormAnswerSerializer(many=True))
    def get_form_answers(self, case: Case) -> Any:
        """The answers as people read them: field labels, option labels, 是/否."""
        answers = form_answers(case.service_version.form_schema, case.form_data)
        return FormAnswerSerializer(answers, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_provisional_deadline_years(self, case: Case) -> list[int]:
        return provisional_deadline_years(case)

    @extend_schema_field(DepartmentStepSerializer(many=True))
    def get_progress(self, case: Case) -> Any:
        return DepartmentStepSerializer(progress_selectors.case_progress(case=case), many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case: Case) -> Any:
        events = applicant_selectors.case_timeline(case=case, audience="applicant")
        return EventSerializer(events, many=True).data

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, case: Case) -> Any:
        return AttachmentSerializer(applicant_selectors.case_attachments(case=case), many=True).data

    @extend_schema_field(CorrectionSerializer(allow_null=True))
    def get_correction(self, case: Case) -> dict[str, Any] | None:
        open_request = applicant_selectors.correction_open_get(case=case)
        return CorrectionSerializer(open_request).data if open_request else None

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, case: Case) -> dict[str, Any] | None:
        rating = Rating.objects.filter(case=case).first()
        return RatingSerializer(rating).data if rating else None
