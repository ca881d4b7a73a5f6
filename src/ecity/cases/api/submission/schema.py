"""What the OpenAPI schema says of the applicant and public case API: its tag, the status help,
the documented error responses and the example case."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from ecity.cases.models import Case
from ecity.core.api import ERROR_ENVELOPE_SCHEMA

TAGS = ["cases"]


STATUS_HELP = "One of: " + ", ".join(Case.Status.values)


ERROR_400 = OpenApiResponse(
    description="Validation failed: every form field and material error at once.",
    examples=[
        OpenApiExample(
            "Form and material errors",
            value={
                "code": "validation_failed",
                "message": "部分字段无效，请更正后重试。",
                "fields": {
                    "id_number": ["请输入有效的公民身份号码。"],
                    "shop_name": ["这个字段是必填项。"],
                    "material:7b0c1c9e-2f7e-4c38-9a55-0f1d3c1b2a11": ["请上传此材料。"],
                },
            },
        )
    ],
)


ERROR_403 = OpenApiResponse(
    ERROR_ENVELOPE_SCHEMA,
    description="Not allowed: `identity_level_required` while the account's real-name level is "
    "too low (the message says how to get verified), `enterprise_not_verified` when acting for "
    "an enterprise that is not verified, `permission_denied` otherwise.",
    examples=[
        OpenApiExample(
            "Identity not verified",
            value={
                "code": "identity_level_required",
                "message": "申请办理事项，须先完成身份核验（实名认证）。"
                "请在线或持身份证到服务窗口办理：/accounts/verify/",
                "fields": {},
            },
        )
    ],
)


ERROR_404 = OpenApiResponse(description="No such case among yours (or no such service).")


ERROR_409 = OpenApiResponse(
    description="The Idempotency-Key was used before with a different payload, or the case is "
    "not in a state that allows this.",
    examples=[
        OpenApiExample(
            "Key reused",
            value={
                "code": "idempotency_conflict",
                "message": "此请求标识已用于另一份申请。",
                "fields": {},
            },
        )
    ],
)


ERROR_429 = OpenApiResponse(
    description="Too many lookups: 10 per minute per client address, or 5 wrong query codes "
    "for one case number within 15 minutes.",
    examples=[
        OpenApiExample(
            "Throttled",
            value={"code": "throttled", "message": "请求已被限制。", "fields": {}},
        )
    ],
)


CASE_EXAMPLE = {
    "number": "2026-SCJ-000123",
    "query_code": "K7M4Q9TX",
    "status": "submitted",
    "status_label": "已提交，待受理",
    "service": {"code": "SCJ-XK-001", "name_zh": "食品经营许可", "name_en": "Food licence"},
    "department": {"code": "SCJ", "name_zh": "市市场监督管理局", "name_en": "Market Regulation"},
    "channel": "api",
    "submitted_at": "2026-11-23T09:30:00+08:00",
    "acceptance_due_on": "2026-11-30",
    "committed_due_on": None,
    "decided_at": None,
    "deadline_state": "normal",
}
