"""Writes on cases. Each concept has its own module; the public functions are re-exported here."""

# workbench (staff handling, time limits, supervision)
# submission (applicant: drafts, submission, correction, withdrawal, rating)
from ecity.cases.services.drafts import (  # noqa: F401
    draft_attachment_remove,
    draft_continue,
    draft_keep,
    draft_submit,
)
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
    process_definition_update,
    process_definition_upload,
)

# ratings (好差评: rating, invitations, rectification, appeals, monthly rankings)
from ecity.cases.services.rankings import ranking_month_publish  # noqa: F401
from ecity.cases.services.rating_appeals import (  # noqa: F401
    rating_appeal_decide,
    rating_appeal_file,
)
from ecity.cases.services.ratings import (  # noqa: F401
    rating_invitation_issue,
    rating_submit,
    rating_submit_with_token,
)
from ecity.cases.services.rectification import (  # noqa: F401
    rectification_answer,
    rectification_confirm,
    rectification_supervise,
)

# submission (applicant: drafts, submission, correction, withdrawal)
from ecity.cases.services.submission import (  # noqa: F401
    case_submit,
    case_withdraw,
    correction_submit,
    draft_save,
)
from ecity.cases.services.supervision import case_urge, extension_grant  # noqa: F401
