"""The applicant's pages: apply (with drafts), my cases, case detail, correction, files.

Thin callers of ``cases.services`` and ``cases.selectors``; works without JavaScript.
``application`` holds the form pages (apply, counter, correction, receipt), ``my_cases`` the
list and a case's page, ``downloads`` the files.
"""

from ecity.cases.views.applicant.application import (
    apply,
    apply_check,
    correction,
    counter_apply,
    receipt,
    submitted,
)
from ecity.cases.views.applicant.downloads import (
    attachment_download,
    decision_download,
    draft_attachment_download,
)
from ecity.cases.views.applicant.my_cases import case_detail, my_cases, withdraw

__all__ = [
    "apply",
    "apply_check",
    "attachment_download",
    "case_detail",
    "correction",
    "counter_apply",
    "decision_download",
    "draft_attachment_download",
    "my_cases",
    "receipt",
    "submitted",
    "withdraw",
]
