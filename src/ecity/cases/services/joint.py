"""Submitting a joint application (一件事一次办): one form and one set of files, linked cases.

``joint_application_submit`` checks the application with the rules of
``ecity.cases.services.joint_check`` (every member validated as a single application, every
error at once, under the combined form's names) and then, in ONE transaction, writes each
member case exactly as ``case_submit`` writes a case (its own number, query code, acceptance
deadline and timeline entry; handled by its own department) together with the
``JointApplication`` that links them, and ONE ``joint_submitted`` notification listing the
member cases and linking to the joint application's page (the member cases' later
notifications, such as decisions, are their own). Either every case exists or none does.

At a counter, a clerk submits for a walk-in applicant without an account (``on_behalf_of``):
the member cases and the joint application are on the counter channel, name the walk-in
applicant (their ID number and phone encrypted) and the clerk (``submitted_by``, the actor of
each case's ``submitted`` entry), and the one notification goes to the walk-in's phone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecity.cases.models import Case, CaseDraft, JointApplication, JointApplicationCase
from ecity.cases.numbers import query_code_generate
from ecity.cases.services.case_write import case_write as _case_write
from ecity.cases.services.joint_check import (
    MemberCheck,
    draft_files,
    joint_counter_check,
    joint_input_read,
    joint_members_check,
    joint_version_check,
)
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.models import JointServiceVersion
from ecity.core.errors import NotFound, PermissionDenied
from ecity.core.idempotency import (
    idempotency_begin,
    idempotency_complete,
    idempotency_find,
    idempotency_key_check,
    idempotency_result,
    request_fingerprint,
)
from ecity.core.sequences import sequence_next
from ecity.core.uploads import stored_files_delete, write_storing_files
from ecity.identity.models import User
from ecity.identity.selectors import ActingIdentity
from ecity.notify.services import notification_enqueue

SUBMIT_SCOPE = "joint_submit"
NUMBER_PREFIX = "YJS"  # 一件事
NUMBER_DIGITS = 6


def joint_number_allocate(*, on: dt.date) -> str:
    """The next joint application number of the year of ``on``: ``YJS-2026-000123``.

    The gap-free sequence ``joint:<year>`` (``ecity.core.sequences``); call it inside the
    submitting transaction.
    """
    last = sequence_next(scope=f"joint:{on.year}")
    return f"{NUMBER_PREFIX}-{on.year}-{last:0{NUMBER_DIGITS}d}"


def _earlier(*, actor: User, key: str, fingerprint: str) -> JointApplication | None:
    record = idempotency_find(
        user=actor,
        scope=SUBMIT_SCOPE,
        key=key,
        fingerprint=fingerprint,
        conflict_message=_("This request key was already used for a different application."),
    )
    return None if record is None else idempotency_result(record, JointApplication)


def _replayed(application: JointApplication) -> JointApplication:
    application.is_replay = True  # type: ignore[attr-defined]
    return application


def joint_application_submit(
    *,
    actor: User,
    session_identity: ActingIdentity | None,
    joint_version: JointServiceVersion,
    form_data: Mapping[str, object],
    attachments: Mapping[str, UploadedFile | None] | None = None,
    idempotency_key: str | None = None,
    channel: str = Case.Channel.ONLINE,
    draft: CaseDraft | None = None,
    on_behalf_of: Mapping[str, object] | None = None,
) -> JointApplication:
    """Submit a joint application: one case per member service, linked; see the module docstring.

    ``joint_version`` must be its joint application's current published version and every
    member service still current and open to ``channel`` (else ``ServiceUnavailable``). The
    applicant is ``actor`` acting as ``session_identity`` (themselves or an enterprise they
    represent; ``PermissionDenied`` for anonymous actors), or, with ``on_behalf_of`` (name,
    id_number, phone), a walk-in applicant for whom a counter clerk submits on the counter
    channel: checked first, the clerk needs the counter clerk role in every member service's
    department (``PermissionDenied``; ``joint_check.joint_counter_check``). Raises one
    ``ValidationFailed`` with every error of every member under the combined form's names (a
    walk-in's details under ``on_behalf_of.<name>``). In one transaction: the joint number
    (``joint:<year>`` sequence) and query code, the member cases (numbers, attachments,
    ``submitted`` events, acceptance deadlines) and their links, and one ``joint_submitted``
    notification to the applicant (their account, or a walk-in's phone; no ``case_submitted``
    per case); files stored for a transaction that fails are deleted again.

    With ``draft`` (the actor's own joint draft, ``selectors.drafts.joint_draft_for``; not at a
    counter) the files kept on it fill the material slots ``attachments`` leave empty, and the
    draft with its files is removed in the same transaction.

    With ``idempotency_key`` a repeated call with the same payload returns the first joint
    application (``is_replay`` True) and creates nothing; another payload raises Conflict.
    """
    if on_behalf_of is not None:
        joint_counter_check(actor=actor, joint_version=joint_version)
        channel, session_identity = Case.Channel.COUNTER, None
        if draft is not None:
            raise NotFound(_("There is no such draft."))
    elif not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Please log in to apply."))
    joint_version_check(joint_version, channel=channel)
    if idempotency_key:
        idempotency_key_check(idempotency_key)
    layout = joint_layout(joint_version)
    if draft is not None and draft.owner_id != actor.pk:
        raise NotFound(_("There is no such draft."))
    attachments = {**draft_files(draft, layout), **dict(attachments or {})}
    given = joint_input_read(layout=layout, form_data=form_data, attachments=attachments)
    fingerprint = request_fingerprint(
        {
            "joint_version": str(joint_version.public_id),
            "identity": getattr(session_identity, "key", ""),
            "form": form_data if isinstance(form_data, Mapping) else str(form_data),
            "files": {key: upload.sha256 for key, upload in given.checked.items()},
            "on_behalf_of": dict(on_behalf_of or {}),
        }
    )
    if idempotency_key:
        earlier = _earlier(actor=actor, key=idempotency_key, fingerprint=fingerprint)
        if earlier is not None:
            return _replayed(earlier)
    members = joint_members_check(
        actor=actor, identity=session_identity, on_behalf_of=on_behalf_of, given=given
    )

    def winner_replayed() -> JointApplication | None:
        if not idempotency_key:
            return None
        found = _earlier(actor=actor, key=idempotency_key, fingerprint=fingerprint)
        return _replayed(found) if found is not None else None

    application = write_storing_files(
        lambda stored: _write(
            actor=actor,
            version=joint_version,
            members=members,
            channel=channel,
            stored=stored,
            idempotency=(idempotency_key, fingerprint),
            draft=draft,
        ),
        earlier=winner_replayed,
    )
    if getattr(application, "is_replay", False):
        return application
    application.is_replay = False  # type: ignore[attr-defined]
    return application


def _write(
    *,
    actor: User,
    version: JointServiceVersion,
    members: list[MemberCheck],
    channel: str,
    stored: list[str],
    idempotency: tuple[str | None, str],
    draft: CaseDraft | None,
) -> JointApplication:
    key, fingerprint = idempotency
    # First statement of the transaction: a concurrent duplicate waits here, then fails.
    record = (
        idempotency_begin(user=actor, scope=SUBMIT_SCOPE, key=key, fingerprint=fingerprint)
        if key
        else None
    )
    now = timezone.now()
    applicant = members[0].applicant
    walk_in = applicant["applicant"] is None
    application = JointApplication.objects.create(
        number=joint_number_allocate(on=timezone.localdate(now)),
        query_code=query_code_generate(),
        joint_version=version,
        applicant=applicant["applicant"],
        legal_entity=applicant["legal_entity"],
        applicant_person=applicant["applicant_person"],
        applicant_legal_entity=applicant["applicant_legal_entity"],
        applicant_name=applicant["applicant_name"],
        # A walk-in applicant's details are kept (an account holder's are on the account).
        applicant_identifier=applicant["applicant_identifier"] if walk_in else "",
        contact_phone=applicant["contact_phone"] if walk_in else "",
        submitted_by=actor,
        channel=channel,
        submitted_at=now,
    )
    cases: list[Case] = []
    for index, member in enumerate(members):
        # The single application's write path: the same case, files and event; one message
        # for the whole joint application instead of one per case.
        case = _case_write(
            actor=actor,
            version=member.section.version,
            applicant=member.applicant,
            channel=channel,
            cleaned=member.cleaned,
            checked=member.checked,
            materials=member.materials,
            draft=None,
            stored=stored,
            idempotency=(None, fingerprint),
            notify_submitted=False,
        )
        JointApplicationCase.objects.create(
            joint_application=application, case=case, sort_order=index
        )
        cases.append(case)
    _submitted_notify(application, cases)
    if draft is not None:
        # Each case has its own stored copy of every file: the draft's are no longer needed.
        kept = list(draft.attachments.values_list("file", flat=True))
        draft.attachments.all().delete()
        draft.delete()
        transaction.on_commit(lambda: stored_files_delete(kept))
    if record is not None:
        idempotency_complete(record=record, result=application)
    return application


def _submitted_notify(application: JointApplication, cases: list[Case]) -> None:
    """Tell the applicant once: the joint number, query code and each member case's number."""
    version = application.joint_version
    due = [case.acceptance_due_on for case in cases if case.acceptance_due_on]
    walk_in = application.applicant_id is None
    notification_enqueue(
        recipient=application.applicant,
        event="joint_submitted",
        obj=application,
        reference=application.number,
        # A walk-in applicant has no account: the message goes to the phone the clerk entered.
        phone=application.contact_phone if walk_in else "",
        context={
            "walk_in": walk_in,
            "joint_number": application.number,
            "query_code": application.query_code,
            "joint_name": {"zh-hans": version.name_zh, "en": version.name_en or version.name_zh},
            "cases": [
                {
                    "zh-hans": f"{case.service_version.name_zh}（{case.department.name_zh}）："
                    f"{case.number}",
                    "en": f"{case.service_version.name_en or case.service_version.name_zh} "
                    f"({case.department.name_en or case.department.name_zh}): {case.number}",
                }
                for case in cases
            ],
            "acceptance_due_on": max(due).isoformat() if due else "",
        },
        idempotency_key=f"joint_submitted:{application.public_id}",
    )
