"""What the applicant does: save a draft, submit an application, answer a correction request,
withdraw an application.

Every write runs in one transaction together with its case event, its notification outbox rows
and (for submissions) its idempotency record, so an application is acknowledged only once all
of it is committed. Uploaded files are checked (``ecity.core.uploads``) before anything is
written and deleted again if the transaction fails.

One module per act: ``draft`` (saving the draft), ``application`` (submitting),
``correction`` (补正), ``withdrawal`` (撤回); ``answers`` keeps a form's declared fields. The
case write itself is ``ecity.cases.services.case_write`` (shared with joint applications) and
the attachment rows are ``ecity.cases.services.attachments``.
"""

from ecity.cases.services.attachments import draft_files_write
from ecity.cases.services.submission.application import case_submit
from ecity.cases.services.submission.correction import correction_submit
from ecity.cases.services.submission.draft import draft_save
from ecity.cases.services.submission.withdrawal import WITHDRAWABLE, case_withdraw

__all__ = [
    "WITHDRAWABLE",
    "case_submit",
    "case_withdraw",
    "correction_submit",
    "draft_files_write",
    "draft_save",
]
