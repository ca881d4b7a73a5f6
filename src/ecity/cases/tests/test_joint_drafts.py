"""Joint application drafts: save half-filled, resume with the files kept, private to the owner."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from ecity.cases.models import Attachment, CaseDraft, JointApplication
from ecity.cases.selectors.drafts import joint_draft_for
from ecity.cases.selectors.joint import slot_key
from ecity.cases.services.drafts import joint_draft_save
from ecity.cases.tests.joint_support import answers, submit_joint
from ecity.cases.tests.submission_support import PNG_BYTES, identity_of, upload
from ecity.catalogue.joint.layout import joint_layout
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services
from ecity.core.calendar import calendar_seed
from ecity.core.errors import NotFound, ValidationFailed
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "d" * 32


@pytest.fixture
def bundle():
    calendar_seed()
    services = restaurant_services()
    services.joint = restaurant_joint(services)
    services.citizen = UserFactory(real_name="王小明", is_real_name_verified=True)
    services.other = UserFactory(real_name="李四", is_real_name_verified=True)
    return services


def _slots(bundle):
    return joint_layout(bundle.joint.current_version).materials


def _identity_slot(bundle):
    return next(s for s in _slots(bundle) if s.name_zh == "经营者身份证件")


def _apply_url(bundle):
    return reverse("cases:joint_apply", args=[bundle.joint.code])


def _save_half_filled(client, bundle):
    """The citizen fills in the address and uploads the operator's ID, then saves."""
    client.force_login(bundle.citizen)
    return client.post(
        _apply_url(bundle),
        {
            "action": "save",
            "submit_token": TOKEN,
            "shared.premises_address": "示范市东城区人民路18号",
            "services.XFJ-XK-T.occupancy": "40",
            slot_key(_identity_slot(bundle)): upload("我的身份证.pdf"),
        },
    )


def test_a_half_filled_joint_application_is_saved_and_resumed_with_its_file(client, bundle):
    # When the citizen saves a half-filled form
    saved = _save_half_filled(client, bundle)

    # Then it is kept, and the form shows the answers and the file when they come back
    assert saved.status_code == 302 and saved["Location"] == _apply_url(bundle)
    page = client.get(_apply_url(bundle))
    body = page.content.decode()
    assert page.status_code == 200
    assert "您正在继续填写" in body
    assert 'value="示范市东城区人民路18号"' in body
    assert 'name="services.XFJ-XK-T.occupancy" value="40"' in body
    assert "我的身份证.pdf" in body
    [kept] = Attachment.objects.filter(draft__owner=bundle.citizen)
    assert default_storage.exists(kept.file.name)
    assert not JointApplication.objects.exists()


def test_submitting_the_resumed_draft_files_the_kept_file_and_removes_the_draft(
    client, bundle, django_capture_on_commit_callbacks
):
    _save_half_filled(client, bundle)
    kept = Attachment.objects.get(draft__owner=bundle.citizen).file.name
    # When the citizen completes the form (without uploading the ID again) and submits
    data = {
        "action": "submit",
        "submit_token": TOKEN,
        "shared.operator_name": "张记小馆",
        "shared.contact_name": "王小明",
        "shared.mobile": "13912345678",
        "shared.premises_address": "示范市东城区人民路18号",
        "services.SCJ-DJ-T.delivery": "post",
        "services.WJW-XK-T.floor_area": "80",
        "services.XFJ-XK-T.occupancy": "40",
    }
    for slot in _slots(bundle):
        if slot != _identity_slot(bundle):
            data[slot_key(slot)] = upload(f"{slot.name_zh}.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_apply_url(bundle), data)

    # Then every case has the kept ID document, and the draft and its own copy are gone
    application = JointApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:joint_submitted", args=[application.number])
    identity = Attachment.objects.filter(
        case__joint_link__joint_application=application, original_name="我的身份证.pdf"
    )
    assert identity.count() == 3
    assert not CaseDraft.objects.exists()
    assert not Attachment.objects.filter(case__isnull=True).exists()
    assert not default_storage.exists(kept)


def test_another_user_neither_sees_nor_submits_the_draft(client, bundle):
    _save_half_filled(client, bundle)
    kept = Attachment.objects.get(draft__owner=bundle.citizen)
    draft = CaseDraft.objects.get(owner=bundle.citizen)

    # When someone else opens the same form and the kept file's address
    client.force_login(bundle.other)
    page = client.get(_apply_url(bundle))
    download = client.get(reverse("cases:draft_attachment_download", args=[kept.public_id]))

    # Then they see an empty form, not the citizen's answers or file
    body = page.content.decode()
    assert page.status_code == 200
    assert "示范市东城区人民路18号" not in body and "我的身份证.pdf" not in body
    assert "您正在继续填写" not in body
    assert download.status_code == 404
    assert (
        joint_draft_for(
            actor=bundle.other,
            identity=identity_of(bundle.other),
            joint_version=bundle.joint.current_version,
        )
        is None
    )
    # and cannot submit with it
    with pytest.raises(NotFound):
        submit_joint(bundle.joint, bundle.other, draft=draft)
    assert not JointApplication.objects.exists()
    assert CaseDraft.objects.filter(owner=bundle.citizen).exists()


def test_a_rejected_file_is_reported_and_the_rest_of_the_draft_is_kept(bundle):
    key = slot_key(_identity_slot(bundle))
    other_slot = next(s for s in _slots(bundle) if s != _identity_slot(bundle))

    draft, rejected = joint_draft_save(
        actor=bundle.citizen,
        identity=identity_of(bundle.citizen),
        joint_version=bundle.joint.current_version,
        form_data=answers(),
        files={key: upload("id.png", PNG_BYTES, "image/png"), slot_key(other_slot): upload()},
    )

    assert rejected == {key: ["此文件是 PNG 文件；可接受的类型：PDF。"]}
    assert draft.form_data == answers()
    assert [a.material for a in draft.attachments.all()] == [other_slot.targets[0][1]]


def test_a_submission_that_fails_keeps_the_draft(bundle):
    draft, _rejected = joint_draft_save(
        actor=bundle.citizen,
        identity=identity_of(bundle.citizen),
        joint_version=bundle.joint.current_version,
        form_data=answers(),
        files={slot_key(_identity_slot(bundle)): upload("我的身份证.pdf")},
    )

    with pytest.raises(ValidationFailed):
        submit_joint(bundle.joint, bundle.citizen, attachments={}, draft=draft)

    assert CaseDraft.objects.filter(pk=draft.pk).exists()
    assert draft.attachments.count() == 1
