"""Submitting an application: numbers, codes, validation, idempotency, identities, drafts."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from ecity.cases.models import Attachment, Case, CaseDraft, CaseEvent
from ecity.cases.numbers import QUERY_CODE_ALPHABET
from ecity.cases.selectors import draft_get_or_prefill
from ecity.cases.selectors.materials import material_key
from ecity.cases.services.eligibility import ServiceUnavailable
from ecity.cases.services.submission import (
    case_submit,
    case_withdraw,
    draft_save,
)
from ecity.cases.tests.submission_support import (
    PNG_BYTES,
    form_data,
    identity_of,
    stored_files,
    submit,
    upload,
)
from ecity.catalogue.tests.factories import VersionFactory, publish_version
from ecity.core.calendar import add_working_days
from ecity.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecity.core.models import IdempotencyRecord
from ecity.identity.models import AgentAuthorisation
from ecity.identity.tests.factories import (
    AgentAuthorisationFactory,
    LegalEntityFactory,
    UserFactory,
    id_number_for,
)
from ecity.notify.selectors import notifications_about

pytestmark = pytest.mark.django_db


def test_submission_creates_numbered_case_with_event_deadline_and_notification(joint):
    case = submit(joint)

    year = timezone.localdate().year
    assert re.fullmatch(rf"{year}-SCJ-\d{{6}}", case.number)
    assert case.number.endswith("-000001")
    assert len(case.query_code) == 8 and set(case.query_code) <= set(QUERY_CODE_ALPHABET)
    assert case.status == Case.Status.SUBMITTED
    assert case.applicant == joint.citizen and case.applicant_kind == "citizen"
    assert case.applicant_name == "王小明"
    assert case.applicant_identifier == joint.citizen.id_number
    assert case.form_data["area"] == 35 and case.form_data["shop_name"] == "小明面馆"
    assert case.acceptance_due_on == add_working_days(timezone.localdate(case.submitted_at), 5)
    attachment = case.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "plan.pdf"
    assert re.fullmatch(r"cases/\d{4}/\d{2}/[0-9a-f-]{36}\.pdf", attachment.file.name)
    assert len(attachment.sha256) == 64
    assert list(case.events.values_list("action", flat=True)) == [CaseEvent.Action.SUBMITTED]
    notes = notifications_about(obj=case).filter(event="case_submitted")
    assert notes.exists() and {n.recipient_id for n in notes} == {joint.citizen.pk}


def test_case_numbers_follow_each_other_per_department_and_year(joint):
    first = submit(joint)
    second = submit(joint, user=UserFactory(is_real_name_verified=True))

    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert first.number[:9] == second.number[:9]


def test_all_errors_are_reported_together_and_nothing_is_written(joint):
    before_files = stored_files()
    data = form_data(id_number="110105199001011230", shop_name="")
    del data["area"]

    with pytest.raises(ValidationFailed) as caught:
        submit(joint, form_data=data, files={})

    fields = caught.value.fields
    assert set(fields) == {"id_number", "shop_name", "area", material_key(joint.mandatory_material)}
    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files() == before_files


def test_rejected_upload_is_reported_with_form_errors_and_no_file_is_kept(joint):
    before_files = stored_files()
    files = {
        material_key(joint.mandatory_material): upload("plan.pdf", b"MZ\x90\x00 executable"),
        material_key(joint.optional_material): upload("proxy.png", PNG_BYTES),
    }

    with pytest.raises(ValidationFailed) as caught:
        submit(joint, files=files, form_data=form_data(phone="123"))

    fields = caught.value.fields
    assert set(fields) == {
        "phone",
        material_key(joint.mandatory_material),
        material_key(joint.optional_material),
    }
    assert Case.objects.count() == 0 and stored_files() == before_files


def test_unknown_form_field_is_an_error(joint):
    with pytest.raises(ValidationFailed) as caught:
        submit(joint, form_data=form_data(hacker="x"))
    assert "hacker" in caught.value.fields


def test_same_idempotency_key_twice_creates_one_case(joint):
    first = submit(joint, idempotency_key="key-0001-abcdef")
    again = submit(joint, idempotency_key="key-0001-abcdef")

    assert again.pk == first.pk and again.is_replay and not first.is_replay
    assert Case.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.result_type, record.result_id) == ("cases.case", first.public_id)


def test_same_idempotency_key_with_other_payload_is_a_conflict(joint):
    submit(joint, idempotency_key="key-0002-abcdef")

    with pytest.raises(Conflict) as caught:
        submit(joint, idempotency_key="key-0002-abcdef", form_data=form_data(area=99))

    assert caught.value.code == "idempotency_conflict"
    assert Case.objects.count() == 1


def test_same_key_of_another_user_is_independent(joint):
    submit(joint, idempotency_key="key-0003-abcdef")
    submit(joint, user=UserFactory(is_real_name_verified=True), idempotency_key="key-0003-abcdef")
    assert Case.objects.count() == 2


def test_failed_submission_leaves_no_idempotency_record_so_a_fixed_retry_works(joint):
    with pytest.raises(ValidationFailed):
        submit(joint, files={}, idempotency_key="key-0004-abcdef")

    case = submit(joint, idempotency_key="key-0004-abcdef")
    assert case.number and IdempotencyRecord.objects.count() == 1


def test_enterprise_identity_submits_for_the_enterprise(joint):
    entity = LegalEntityFactory(name="示范餐饮有限公司", phone="02188886666", verified=True)
    agent = AgentAuthorisationFactory(
        legal_entity=entity, role=AgentAuthorisation.Role.AGENT, user__is_real_name_verified=True
    ).user
    identity = identity_of(agent, {"ecity_acting_as": str(entity.public_id)})

    case = submit(joint, user=agent, session_identity=identity)

    assert case.applicant_kind == Case.ApplicantKind.ENTERPRISE
    assert case.legal_entity == entity and case.applicant == agent
    assert case.applicant_identifier == entity.uscc
    assert case.applicant_name == "示范餐饮有限公司"


def test_counter_clerk_submits_for_a_walk_in_applicant(joint):
    walk_in = {"name": "李大爷", "id_number": id_number_for(77), "phone": "13700001111"}

    case = submit(joint, user=joint.clerk, session_identity=None, on_behalf_of=walk_in)

    assert case.channel == Case.Channel.COUNTER
    assert case.applicant is None and case.submitted_by == joint.clerk
    assert (case.applicant_name, case.applicant_identifier, case.contact_phone) == (
        "李大爷",
        walk_in["id_number"],
        "13700001111",
    )
    assert "13700001111" in [n.to_address for n in notifications_about(obj=case)]


def test_walk_in_details_are_validated_with_the_form(joint):
    walk_in = {"name": "", "id_number": "123", "phone": "13700001111"}
    with pytest.raises(ValidationFailed) as caught:
        submit(
            joint,
            user=joint.clerk,
            session_identity=None,
            on_behalf_of=walk_in,
            form_data=form_data(shop_name=""),
        )
    assert {"on_behalf_of.name", "on_behalf_of.id_number", "shop_name"} <= set(caught.value.fields)


def test_only_counter_clerks_of_the_department_submit_for_walk_ins(joint):
    walk_in = {"name": "李大爷", "id_number": id_number_for(78), "phone": "13700001112"}
    with pytest.raises(PermissionDenied):
        submit(joint, user=joint.health_reviewer, session_identity=None, on_behalf_of=walk_in)
    assert Case.objects.count() == 0


def test_superseded_version_cannot_be_submitted(joint):
    old = joint.version
    new = VersionFactory(item=joint.item, number=old.number + 1, form_schema=old.form_schema)
    publish_version(new)
    old.refresh_from_db()

    with pytest.raises(ServiceUnavailable):
        case_submit(
            actor=joint.citizen,
            session_identity=identity_of(joint.citizen),
            service_version=old,
            form_data=form_data(),
            attachments={material_key(joint.mandatory_material): upload()},
        )


def test_offline_only_service_refuses_online_submission(joint):
    type(joint.version).objects.filter(pk=joint.version.pk).update(is_online=False)
    joint.version.refresh_from_db()
    with pytest.raises(ServiceUnavailable):
        submit(joint)


def test_anonymous_cannot_submit(joint):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        submit(joint, user=AnonymousUser(), session_identity=None)


def test_prefill_uses_profile_by_name_and_format(joint):
    user = UserFactory(real_name="赵六", phone="13811112222", id_number=id_number_for(55))

    state = draft_get_or_prefill(
        actor=user, identity=identity_of(user), service_version=joint.version
    )

    assert state.draft is None
    assert state.initial == {
        "applicant_name": "赵六",
        "id_number": id_number_for(55),
        "phone": "13811112222",
    }


def test_prefill_for_an_enterprise_uses_its_name(joint):
    entity = LegalEntityFactory(name="示范餐饮有限公司", verified=True)
    agent = AgentAuthorisationFactory(legal_entity=entity, user__is_real_name_verified=True).user
    identity = identity_of(agent, {"ecity_acting_as": str(entity.public_id)})

    state = draft_get_or_prefill(actor=agent, identity=identity, service_version=joint.version)

    assert state.initial["applicant_name"] == "示范餐饮有限公司"


def test_draft_saves_partial_data_and_files_and_resumes(joint):
    user = joint.citizen
    identity = identity_of(user)
    draft_save(
        actor=user,
        identity=identity,
        service_version=joint.version,
        form_data={"shop_name": "半成品", "area": "", "bogus": "dropped"},
        files={material_key(joint.mandatory_material): upload("first.pdf")},
    )
    draft_save(
        actor=user,
        identity=identity,
        service_version=joint.version,
        form_data={"shop_name": "小明面馆"},
        files={material_key(joint.mandatory_material): upload("second.png", PNG_BYTES)},
    )

    state = draft_get_or_prefill(actor=user, identity=identity, service_version=joint.version)
    assert CaseDraft.objects.count() == 1
    assert state.draft.form_data == {"shop_name": "小明面馆"}
    assert state.initial["shop_name"] == "小明面馆"
    assert state.initial["applicant_name"] == user.real_name
    current = state.attachments[material_key(joint.mandatory_material)]
    assert current.original_name == "second.png"
    assert Attachment.objects.filter(draft=state.draft).count() == 1


def test_draft_rejects_bad_files_without_saving(joint):
    with pytest.raises(ValidationFailed) as caught:
        draft_save(
            actor=joint.citizen,
            identity=identity_of(joint.citizen),
            service_version=joint.version,
            form_data={"shop_name": "x"},
            files={material_key(joint.optional_material): upload("a.png", PNG_BYTES)},
        )
    assert material_key(joint.optional_material) in caught.value.fields
    assert CaseDraft.objects.count() == 0


def test_submission_takes_files_from_the_draft_and_deletes_it(joint):
    user, identity = joint.citizen, identity_of(joint.citizen)
    draft_save(
        actor=user,
        identity=identity,
        service_version=joint.version,
        form_data={"shop_name": "小明面馆"},
        files={material_key(joint.mandatory_material): upload("from-draft.pdf")},
    )

    case = submit(joint, files={})

    assert case.attachments.get().original_name == "from-draft.pdf"
    assert CaseDraft.objects.count() == 0


def test_withdraw_only_open_own_cases(joint):
    case = submit(joint)
    with pytest.raises(Exception) as other:
        case_withdraw(actor=UserFactory(is_real_name_verified=True), case=case, reason="不想办了")
    assert other.value.status_code == 404

    case_withdraw(actor=joint.citizen, case=case, reason="不想办了")
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    with pytest.raises(Conflict):
        case_withdraw(actor=joint.citizen, case=case, reason="again")
