"""Joint application API (一件事一次办) before submitting: drafts, and "check your answers".

The HTML apply page's "Save draft" and its kept files, for API clients: save (create or
replace) the draft of a joint application, read it, list one's drafts, delete one
(``cases.services.drafts.joint_draft_save`` / ``joint_draft_delete``,
``cases.selectors.drafts``); then check the complete application without submitting it
(``cases.services.joint_check.joint_application_check``) and submit it with
``use_draft=true`` (``POST /api/v1/cases/joint-applications/``), which uses the draft's files
and removes the draft. Thin views; errors use the platform envelope; writes accept an
``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.cases.api.joint import (
    ERROR_400,
    TAGS,
    JointRefSerializer,
    JointSubmitInput,
    joint_version_of,
    use_draft_of,
)
from ecity.cases.api.submission import ERROR_409
from ecity.cases.api.submission.inputs import form_json as _form_json
from ecity.cases.api.submission.inputs import material_uploads as _files
from ecity.cases.models import Case, CaseDraft
from ecity.cases.selectors import drafts as draft_selectors
from ecity.cases.services import drafts as draft_services
from ecity.cases.services.joint_check import JointCheck, joint_application_check
from ecity.catalogue.api.serializers import FormAnswerSerializer
from ecity.catalogue.form_answers import form_answers
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.models import JointServiceVersion
from ecity.core.api import Pagination
from ecity.core.errors import NotFound
from ecity.core.idempotency import idempotent_api
from ecity.identity.selectors import acting_identity

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A unique key per logical request (e.g. a UUID): a retry with the same key and "
    "payload gets the first answer again (header `Idempotent-Replayed: true`) and writes "
    "nothing; the same key with another payload is a 409.",
)
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="The joint application.")
FILE_EXAMPLE = {
    "slot": "material:3f6d2c1a-8b7e-4f0a-9c2d-5e4b3a291807",
    "name": "经营者身份证件",
    "file_id": "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
    "file_name": "身份证.pdf",
    "size": 182044,
}
DRAFT_EXAMPLE = {
    "joint_service": {"code": "open-restaurant", "name_zh": "开办餐馆“一件事”", "name_en": ""},
    "version": 1,
    "form": {
        "shared": {"operator_name": "张记小馆", "mobile": "13912345678"},
        "services": {"XFJ-XK-001": {"occupancy": 40}},
    },
    "files": [FILE_EXAMPLE],
    "updated_at": "2026-11-23T09:30:00+08:00",
}
CHECK_EXAMPLE = {
    "joint_service": DRAFT_EXAMPLE["joint_service"],
    "version": 1,
    "cases": [
        {
            "service": {"code": "SCJ-XK-001", "name_zh": "食品经营许可", "name_en": ""},
            "department": {"code": "SCJ", "name_zh": "市市场监督管理局", "name_en": ""},
            "answers": [
                {
                    "name": "operator_name",
                    "label": "经营者名称",
                    "value": "张记小馆",
                    "text": "张记小馆",
                }
            ],
        }
    ],
    "files": [{**FILE_EXAMPLE, "file_id": None, "from_draft": False}],
}
NO_DRAFT = OpenApiResponse(
    description="No draft of yours for this joint application (or no "
    "published joint application has this code)."
)


def _identity(request: Request) -> Any:
    return acting_identity(user=request.user, session=request.session)


class DraftFileSerializer(serializers.Serializer):
    slot = serializers.CharField(help_text="The material slot, material:<id>.")
    name = serializers.CharField(help_text="The material's name.")
    file_id = serializers.UUIDField(allow_null=True, help_text="The kept file's id.")
    file_name = serializers.CharField()
    size = serializers.IntegerField(help_text="In bytes.")


class JointDraftSerializer(serializers.Serializer):
    joint_service = JointRefSerializer()
    version = serializers.IntegerField(help_text="The joint application version it is for.")
    form = serializers.JSONField(help_text='The answers as saved: {"shared": …, "services": …}.')
    files = DraftFileSerializer(many=True, help_text="The kept file of each material slot.")
    updated_at = serializers.DateTimeField()


class JointDraftSummarySerializer(serializers.Serializer):
    joint_service = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="joint_version.number")
    file_count = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(JointRefSerializer)
    def get_joint_service(self, draft: CaseDraft) -> dict[str, str]:
        return _ref(draft.joint_version)

    def get_file_count(self, draft: CaseDraft) -> int:
        return len(draft.attachments.all())


class JointDraftInput(serializers.Serializer):
    form = serializers.CharField(
        required=False,
        help_text='The answers so far as a JSON object string: {"shared": {key: value}, '
        '"services": {service code: {field: value}}}; not checked until submission.',
    )
    files = serializers.FileField(
        required=False,
        help_text="One part per material slot, named material:<id>; a file replaces the "
        "draft's earlier file of its slot. This entry only documents the format.",
    )


def _ref(version: JointServiceVersion) -> dict[str, str]:
    return {"code": version.service.code, "name_zh": version.name_zh, "name_en": version.name_en}


def _draft_data(draft: CaseDraft) -> dict[str, Any]:
    layout = joint_layout(draft.joint_version)
    kept = draft_selectors.joint_draft_attachments(draft, layout)
    files = [
        {
            "slot": key,
            "name": slot.name,
            "file_id": attachment.public_id,
            "file_name": attachment.original_name,
            "size": attachment.size,
        }
        for slot in layout.materials
        if (attachment := kept.get(key := f"material:{slot.public_id}")) is not None
    ]
    return {
        "joint_service": _ref(draft.joint_version),
        "version": draft.joint_version.number,
        "form": draft.form_data or {},
        "files": files,
        "updated_at": draft.updated_at,
    }


@extend_schema(
    tags=TAGS,
    summary="List my joint application drafts",
    description="The joint application drafts of the identity the user acts as, last saved "
    "first. Read one with `GET /api/v1/cases/joint-applications/drafts/{code}/`.",
    responses={200: JointDraftSummarySerializer(many=True)},
)
class JointDraftListApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = JointDraftSummarySerializer
    queryset = CaseDraft.objects.none()  # the rows come from the selectors (schema only)

    def get(self, request: Request) -> Response:
        drafts = draft_selectors.joint_draft_list(actor=request.user, identity=_identity(request))
        page = self.paginate_queryset(drafts)
        return self.get_paginated_response(JointDraftSummarySerializer(page, many=True).data)


class JointDraftApi(APIView):
    permission_classes = [IsAuthenticated]

    def _version(self, code: str) -> JointServiceVersion:
        return joint_version_of(code)

    @extend_schema(
        tags=TAGS,
        summary="Read my draft of a joint application",
        description="The draft of the identity the user acts as for the current version of "
        "joint application `code`: the answers as saved and the kept file of each slot.",
        parameters=[CODE],
        responses={200: JointDraftSerializer, 404: NO_DRAFT},
        examples=[OpenApiExample("Draft", value=DRAFT_EXAMPLE, response_only=True)],
    )
    def get(self, request: Request, code: str) -> Response:
        draft = draft_selectors.joint_draft_for(
            actor=request.user, identity=_identity(request), joint_version=self._version(code)
        )
        if draft is None:
            raise NotFound("There is no such draft.")
        return Response(JointDraftSerializer(_draft_data(draft)).data)

    @extend_schema(
        tags=TAGS,
        summary="Save my draft of a joint application",
        description="Multipart form: `form` (JSON object string, the answers so far, replacing "
        "the saved ones) and one file part per material slot named `material:<id>` (replacing "
        "that slot's kept file). Answers are not checked until submission; files are checked "
        "against their slot's types and size: any rejected file is a 400 with every file error "
        "and nothing is saved. Answers 200 with the draft.",
        parameters=[CODE, IDEMPOTENCY_KEY],
        request={"multipart/form-data": JointDraftInput},
        responses={200: JointDraftSerializer, 400: ERROR_400, 404: NO_DRAFT, 409: ERROR_409},
        examples=[OpenApiExample("Saved", value=DRAFT_EXAMPLE, response_only=True)],
    )
    @idempotent_api(scope="joint_draft_save")
    def put(self, request: Request, code: str) -> Response:
        draft, _rejected = draft_services.joint_draft_save(
            actor=request.user,
            identity=_identity(request),
            joint_version=self._version(code),
            form_data=_form_json(request.data.get("form")),
            files=_files(request),
            all_or_nothing=True,
        )
        draft = draft_selectors.joint_draft_for(
            actor=request.user, identity=_identity(request), joint_version=draft.joint_version
        )
        return Response(JointDraftSerializer(_draft_data(draft)).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete my draft of a joint application",
        description="Deletes the draft and its kept files. Answers 204.",
        parameters=[CODE, IDEMPOTENCY_KEY],
        request=None,
        responses={204: None, 404: NO_DRAFT, 409: ERROR_409},
    )
    @idempotent_api(scope="joint_draft_delete")
    def delete(self, request: Request, code: str) -> Response:
        draft_services.joint_draft_delete(
            actor=request.user, identity=_identity(request), joint_version=self._version(code)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckFileSerializer(DraftFileSerializer):
    from_draft = serializers.BooleanField(help_text="The draft's kept file fills this slot.")


class CheckedCaseSerializer(serializers.Serializer):
    service = JointRefSerializer()
    department = JointRefSerializer()
    answers = FormAnswerSerializer(many=True, help_text="This service's form as it would be sent.")


class JointCheckSerializer(serializers.Serializer):
    joint_service = JointRefSerializer()
    version = serializers.IntegerField()
    cases = CheckedCaseSerializer(many=True, help_text="The case each service would become.")
    files = CheckFileSerializer(many=True)


def _check_data(version: JointServiceVersion, checked: JointCheck) -> dict[str, Any]:
    cases = []
    for member in checked.members:
        service, department = member.section.version, member.section.department
        cases.append(
            {
                "service": {
                    "code": member.section.item_code,
                    "name_zh": service.name_zh,
                    "name_en": service.name_en,
                },
                "department": {
                    "code": department.code,
                    "name_zh": department.name_zh,
                    "name_en": department.name_en,
                },
                "answers": form_answers(service.form_schema, member.cleaned),
            }
        )
    files = [
        {
            "slot": key,
            "name": slot.name,
            "file_id": None,
            "file_name": upload.original_name,
            "size": upload.size,
            "from_draft": key in checked.from_draft,
        }
        for slot in checked.layout.materials
        if (upload := checked.checked.get(key := f"material:{slot.public_id}")) is not None
    ]
    return {
        "joint_service": _ref(version),
        "version": version.number,
        "cases": cases,
        "files": files,
    }


@extend_schema(
    tags=TAGS,
    summary="Check a joint application without submitting it",
    description='The "check your answers" step: the same multipart input as submitting '
    "(`joint_service`, `form`, `material:<id>` parts, `use_draft`) and the same checks, in the "
    "same order and with the same errors, but nothing is written. Answers 200 with each case "
    "the application would become (its service, department and answers as people read them) "
    "and the file of every slot; submit it then with `POST /api/v1/cases/joint-applications/`.",
    request={"multipart/form-data": JointSubmitInput},
    responses={
        200: JointCheckSerializer,
        400: ERROR_400,
        404: OpenApiResponse(description="No published joint application has this code."),
    },
    examples=[OpenApiExample("Complete", value=CHECK_EXAMPLE, response_only=True)],
)
class JointApplicationCheckApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        version = joint_version_of(
            str(request.data.get("joint_service") or "")
            if isinstance(request.data, Mapping)
            else ""
        )
        identity = _identity(request)
        checked = joint_application_check(
            actor=request.user,
            session_identity=identity,
            joint_version=version,
            form_data=_form_json(request.data.get("form")),
            attachments=_files(request),
            channel=Case.Channel.API,
            draft=draft_selectors.joint_draft_for(
                actor=request.user, identity=identity, joint_version=version
            )
            if use_draft_of(request)
            else None,
        )
        return Response(JointCheckSerializer(_check_data(version, checked)).data)
