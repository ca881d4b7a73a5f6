"""Models of the participation app (one module per concept, re-exported here)."""

from ecity.participation.models.consultations import Consultation, ConsultationComment
from ecity.participation.models.mailboxes import Letter, LetterAttachment, Mailbox

__all__ = ["Consultation", "ConsultationComment", "Letter", "LetterAttachment", "Mailbox"]
