"""Applicant and public case API: submit, my cases, correction, rating, lookup, results.

Thin views over ``cases.services`` and ``cases.selectors``; errors use the platform envelope.
``applicant`` holds the signed-in applicant's endpoints, ``public`` the ones without login,
``serializers`` the case as the applicant reads it, ``inputs`` the multipart application input
and ``schema`` the documented responses.
"""

from ecity.cases.api.submission.applicant import (
    ApplicationSubmitApi,
    CorrectionInput,
    MyCaseCorrectionApi,
    MyCaseDetailApi,
    MyCaseListApi,
    MyCaseRatingApi,
    SubmitInput,
)
from ecity.cases.api.submission.inputs import form_json, material_uploads
from ecity.cases.api.submission.public import (
    CaseLookupApi,
    LookupSerializer,
    LookupThrottle,
    ResultListApi,
    ResultSerializer,
    StepSerializer,
)
from ecity.cases.api.submission.schema import (
    CASE_EXAMPLE,
    ERROR_400,
    ERROR_403,
    ERROR_404,
    ERROR_409,
    ERROR_429,
    STATUS_HELP,
    TAGS,
)
from ecity.cases.api.submission.serializers import (
    AttachmentSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CodeNameSerializer,
    CorrectionSerializer,
    DepartmentStepSerializer,
    EventSerializer,
    RatingSerializer,
)

__all__ = [
    "CASE_EXAMPLE",
    "ERROR_400",
    "ERROR_403",
    "ERROR_404",
    "ERROR_409",
    "ERROR_429",
    "STATUS_HELP",
    "TAGS",
    "ApplicationSubmitApi",
    "AttachmentSerializer",
    "CaseDetailSerializer",
    "CaseLookupApi",
    "CaseSerializer",
    "CodeNameSerializer",
    "CorrectionInput",
    "CorrectionSerializer",
    "DepartmentStepSerializer",
    "EventSerializer",
    "LookupSerializer",
    "LookupThrottle",
    "MyCaseCorrectionApi",
    "MyCaseDetailApi",
    "MyCaseListApi",
    "MyCaseRatingApi",
    "RatingSerializer",
    "ResultListApi",
    "ResultSerializer",
    "StepSerializer",
    "SubmitInput",
    "form_json",
    "material_uploads",
]
