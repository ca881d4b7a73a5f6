"""The staff workbench: queues, claim and release, the full case view and every staff action.

Thin views: forms parse input, ``ecity.cases.services`` do the work, ``ecity.cases.selectors``
decide what the member of staff may see. A conflict (someone else handled the task first)
re-renders the case page with status 409 and a clear message.

``queues`` holds the queue page (and claim/release), ``case_page`` the case page and its
actions, ``action_forms`` the staff action forms, ``staff`` the staff-only decorator.
"""

from ecity.cases.views.workbench.action_forms import (
    CASE_BOUND_FORMS,
    FORMS,
    AcceptForm,
    CopyForm,
    CorrectionForm,
    DecideForm,
    ExtensionForm,
    RefuseForm,
    ReviewForm,
    UrgeForm,
    action_form,
)
from ecity.cases.views.workbench.case_page import (
    applicant_record,
    attachment_url,
    case_action,
    case_detail,
    material_reference,
)
from ecity.cases.views.workbench.queues import (
    PAGE_SIZE,
    QUEUE_LABELS,
    CountedPaginator,
    row_for,
    task_claim,
    task_release,
    workbench,
)
from ecity.cases.views.workbench.staff import conflict_message, staff_required

__all__ = [
    "CASE_BOUND_FORMS",
    "FORMS",
    "PAGE_SIZE",
    "QUEUE_LABELS",
    "AcceptForm",
    "CopyForm",
    "CorrectionForm",
    "CountedPaginator",
    "DecideForm",
    "ExtensionForm",
    "RefuseForm",
    "ReviewForm",
    "UrgeForm",
    "action_form",
    "applicant_record",
    "attachment_url",
    "case_action",
    "case_detail",
    "conflict_message",
    "material_reference",
    "row_for",
    "staff_required",
    "task_claim",
    "task_release",
    "workbench",
]
