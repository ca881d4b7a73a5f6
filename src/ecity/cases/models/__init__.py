"""Cases (办件): one application being handled, from submission to decision.

A ``Case`` is created only when an application is submitted (drafts live in ``CaseDraft``). After
acceptance the case runs a BPMN process (SpiffWorkflow) whose serialized state is kept in
``Case.workflow_state``; each ready user task is mirrored as a ``CaseTask`` row that staff queues
read and act on. Every action is recorded as a ``CaseEvent`` (the case timeline).
"""

from ecity.cases.models.case import Case, CaseDraft  # noqa: F401
from ecity.cases.models.handling import (  # noqa: F401
    Attachment,
    CaseCopy,
    CaseEvent,
    CaseMaterialReference,
    CaseTask,
    CorrectionRequest,
    Extension,
)
from ecity.cases.models.joint import JointApplication, JointApplicationCase  # noqa: F401
from ecity.cases.models.outcomes import DecisionDocument  # noqa: F401
from ecity.cases.models.ratings import (  # noqa: F401
    RankingEntry,
    RankingPublication,
    Rating,
    RatingAppeal,
    RatingFollowUp,
    RatingInvitation,
    Rectification,
)
