"""factory_boy factories for cases and what hangs off them (tasks, timeline, corrections, ratings,
attachments).

A ``CaseFactory`` row is a case as the services leave it in a given status: its number comes from
the platform's gap-free sequence (the same one ``case_submit`` uses, so factory cases and
submitted cases never collide), a closed case has its decision time, a case awaiting correction
has its open correction request and its stopped clock. Pick the status with a trait::

    CaseFactory()                        # submitted, awaiting acceptance
    CaseFactory(in_progress=True)        # accepted, being processed
    CaseFactory(awaiting_correction=True)
    CaseFactory(approved=True)           # also rejected / refused / withdrawn
"""

from __future__ import annotations

import hashlib
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ecity.cases.models import Attachment, Case, CaseEvent, CaseTask, CorrectionRequest, Rating
from ecity.cases.numbers import case_number_allocate, query_code_generate
from ecity.catalogue.tests.factories import MaterialFactory, VersionFactory
from ecity.identity.tests.factories import UserFactory
from ecity.org.models import StaffRole

# The smallest valid PDF, for attachments and upload tests.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _number(case: Any) -> str:
    # The sequence row stays locked until the enclosing transaction ends; a savepoint is enough
    # inside a test's transaction, and a short transaction of its own in transactional tests.
    with transaction.atomic():
        return case_number_allocate(
            department_code=case.department.code,
            on=timezone.localtime(case.submitted_at).date(),
        )


def _form_data(case: Any) -> dict[str, object]:
    # Valid answers to the catalogue factories' application form.
    return {
        "applicant_name": case.applicant_name,
        "id_number": case.applicant_identifier,
        "delivery": "counter",
    }


def _closed(case: Any) -> bool:
    return case.status in Case.CLOSED_STATUSES


def _accepted(case: Any) -> bool:
    return case.status not in (Case.Status.SUBMITTED, Case.Status.REFUSED)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case of a (draft-complete) service version, submitted online by a verified citizen."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    class Params:
        in_progress = factory.Trait(status=Case.Status.IN_PROGRESS)
        open_correction = False
        awaiting_correction = factory.Trait(
            status=Case.Status.AWAITING_CORRECTION,
            clock_suspended_on=factory.LazyFunction(timezone.localdate),
            open_correction=True,
        )
        approved = factory.Trait(status=Case.Status.APPROVED, decision_text="准予许可。")
        rejected = factory.Trait(status=Case.Status.REJECTED, decision_text="不予许可。")
        refused = factory.Trait(status=Case.Status.REFUSED, decision_text="不予受理。")
        withdrawn = factory.Trait(status=Case.Status.WITHDRAWN)

    service_version = factory.SubFactory(VersionFactory)
    department = factory.LazyAttribute(lambda o: o.service_version.item.department)
    applicant = factory.SubFactory(UserFactory, is_real_name_verified=True)
    legal_entity = None
    applicant_kind = factory.LazyAttribute(
        lambda o: Case.ApplicantKind.ENTERPRISE if o.legal_entity else Case.ApplicantKind.CITIZEN
    )
    applicant_name = factory.LazyAttribute(
        lambda o: o.legal_entity.name if o.legal_entity else o.applicant.real_name
    )
    applicant_identifier = factory.LazyAttribute(
        lambda o: o.legal_entity.uscc if o.legal_entity else o.applicant.id_number
    )
    channel = Case.Channel.ONLINE
    form_data = factory.LazyAttribute(_form_data)
    status = Case.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    accepted_at = factory.LazyAttribute(lambda o: o.submitted_at if _accepted(o) else None)
    decided_at = factory.LazyAttribute(lambda o: o.submitted_at if _closed(o) else None)
    number = factory.LazyAttribute(_number)
    query_code = factory.LazyFunction(query_code_generate)

    # The open correction request of a case made with the ``awaiting_correction`` trait (a case
    # given that status by hand gets none: its test makes its own).
    correction = factory.Maybe(
        "open_correction",
        yes_declaration=factory.RelatedFactory(
            "ecity.cases.tests.factories.CorrectionRequestFactory", factory_related_name="case"
        ),
    )


class CaseTaskFactory(factory.django.DjangoModelFactory):
    """An open review task of the case's lead department."""

    class Meta:
        model = CaseTask

    case = factory.SubFactory(CaseFactory, in_progress=True)
    kind = CaseTask.Kind.REVIEW
    spec_name = factory.LazyAttribute(lambda o: o.kind)
    name = factory.LazyAttribute(lambda o: CaseTask.Kind(o.kind).label)
    department = factory.LazyAttribute(lambda o: o.case.department)
    role = factory.LazyAttribute(
        lambda o: {
            CaseTask.Kind.ACCEPT: StaffRole.Role.COUNTER_CLERK,
            CaseTask.Kind.DECIDE: StaffRole.Role.APPROVER,
        }.get(o.kind, StaffRole.Role.REVIEWER)
    )
    status = CaseTask.Status.OPEN


class CaseEventFactory(factory.django.DjangoModelFactory):
    """The applicant's submission entry of a case's timeline."""

    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    action = CaseEvent.Action.SUBMITTED
    actor = factory.LazyAttribute(lambda o: o.case.applicant)
    department = factory.LazyAttribute(lambda o: o.case.department)
    is_public = True


class CorrectionRequestFactory(factory.django.DjangoModelFactory):
    """An open request to correct the mandatory answers, by a reviewer of the lead department."""

    class Meta:
        model = CorrectionRequest

    case = factory.SubFactory(CaseFactory, awaiting_correction=True, open_correction=False)
    requested_by = factory.SubFactory(UserFactory)
    items = factory.LazyFunction(
        lambda: [{"field": "applicant_name", "message": "姓名与身份证不一致"}]
    )
    note = "请核对申请人姓名。"
    suspended_on = factory.LazyAttribute(
        lambda o: o.case.clock_suspended_on or timezone.localdate()
    )


class RatingFactory(factory.django.DjangoModelFactory):
    """The applicant's rating of an approved case."""

    class Meta:
        model = Rating

    case = factory.SubFactory(CaseFactory, approved=True)
    level = Rating.Level.VERY_SATISFIED
    comment = "办事效率高。"


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A PDF uploaded by the applicant for a material of the case's service version."""

    class Meta:
        model = Attachment

    class Params:
        content = PDF_BYTES

    case = factory.SubFactory(CaseFactory)
    material = factory.SubFactory(
        MaterialFactory,
        version=factory.SelfAttribute("..case.service_version"),
        accepted_types=["application/pdf"],
    )
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="plan.pdf"))
    original_name = "plan.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    uploaded_by = factory.LazyAttribute(lambda o: o.case.applicant)
