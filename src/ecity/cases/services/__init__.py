"""Writes on cases. Each concept has its own module; the public functions are re-exported here."""

# workbench (staff handling, time limits, supervision)
from ecity.cases.services.handling import (  # noqa: F401
    case_accept,
    case_copy_to,
    case_decide,
    case_refuse,
    correction_request,
    correction_resume_tasks,
    task_claim,
    task_complete,
    task_release,
)

# process (BPMN process definitions)
from ecity.cases.services.process import (  # noqa: F401
    process_definition_activate,
    process_definition_build,
    process_definition_upload,
)

# submission (applicant: drafts, submission, correction, withdrawal, rating)
from ecity.cases.services.ratings import rating_submit  # noqa: F401
from ecity.cases.services.submission import (  # noqa: F401
    case_submit,
    case_withdraw,
    correction_submit,
    draft_save,
)
from ecity.cases.services.supervision import case_urge, extension_grant  # noqa: F401
from ecity.cases.services.training import case_backdate  # noqa: F401
