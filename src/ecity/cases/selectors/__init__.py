"""Reads on cases, with permission filtering. Re-exports each module's public functions."""

# workbench (staff queues, case view, supervision)
# submission (applicant and public reads; the applicant timeline is
# ecity.cases.selectors.applicant.case_timeline(case=, audience=), not re-exported: the name is
# taken by the workbench's case_timeline above)
from ecity.cases.selectors.applicant import (  # noqa: F401
    attachment_get_for_download,
    can_staff_see_case,
    case_attachments,
    case_get_for_applicant,
    case_list_for_applicant,
    correction_open_get,
)
from ecity.cases.selectors.drafts import DraftState, draft_get_or_prefill  # noqa: F401

# process (BPMN process definitions)
from ecity.cases.selectors.process import (  # noqa: F401
    active_process_for,
    can_manage_process,
    process_definition_list,
    process_definitions_of,
    process_owner_ref,
    process_version_list,
    process_version_of,
)
from ecity.cases.selectors.progress import DepartmentStep, case_progress  # noqa: F401
from ecity.cases.selectors.public import case_lookup, published_results  # noqa: F401
from ecity.cases.selectors.supervision import (  # noqa: F401
    can_supervise,
    department_performance,
    supervision_cases,
)
from ecity.cases.selectors.workbench import (  # noqa: F401
    case_get_for_staff,
    case_opinions,
    case_timeline,
    queue,
    queue_counts,
    queue_default,
    task_get_for_staff,
)
