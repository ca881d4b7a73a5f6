"""Models of the participation app (one module per concept, re-exported here)."""

from ecity.participation.models.consultations import (  # noqa: F401
    Consultation,
    ConsultationComment,
)
from ecity.participation.models.mailboxes import Letter, LetterAttachment, Mailbox  # noqa: F401
from ecity.participation.models.surveys import (  # noqa: F401
    CHOICE_KINDS,
    OPTION_KINDS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)
