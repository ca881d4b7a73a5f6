"""Nothing lost at the counter and in corrections: a refused form keeps its files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import InMemoryStorage, default_storage
from django.urls import reverse
from django.utils import timezone

from ecity.cases.models import Attachment, Case, CaseDraft
from ecity.cases.selectors.materials import material_key
from ecity.cases.services.drafts import kept_files_purge
from ecity.cases.tests.submission_support import form_data, upload
from ecity.cases.tests.test_submission_correction import awaiting_correction
from ecity.identity.tests.factories import StaffRoleFactory, id_number_for
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

TOKEN = "b" * 32
SCAN = b"%PDF-1.7\n% floor plan of shop 110105199001011234\n%%EOF\n"


def counter_url(joint):
    return reverse("cases:counter_apply", args=[joint.item.code])


def counter_data(joint, *, with_file: bool, **overrides):
    data = {
        **form_data(),
        "walkin_name": "李大爷",
        "walkin_id_number": id_number_for(88),
        "walkin_phone": "13700002222",
        "submit_token": TOKEN,
        "action": "submit",
        **overrides,
    }
    if with_file:
        data[material_key(joint.mandatory_material)] = upload("floor-plan.pdf", SCAN)
    return data


def _stored_bytes(name: str) -> bytes:
    # What the storage holds, read past its decryption (the in-memory "disk" of the tests).
    return InMemoryStorage._open(default_storage, name, "rb").file.getvalue()


def test_counter_form_refused_for_a_field_keeps_the_file_for_the_next_submit(client, joint):
    # Given a counter clerk who posts a valid file with an invalid area
    client.force_login(joint.clerk)
    refused = client.post(counter_url(joint), counter_data(joint, with_file=True, area=-1))
    assert refused.status_code == 200 and not Case.objects.exists()
    assert "floor-plan.pdf" in refused.content.decode()  # listed as already uploaded

    # When the clerk fixes the area and submits the same form without choosing the file again
    response = client.post(counter_url(joint), counter_data(joint, with_file=False))

    # Then the case is created with the file, and nothing is left kept
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:receipt", args=[case.number])
    attachment = case.attachments.get()
    assert attachment.original_name == "floor-plan.pdf"
    assert attachment.material == joint.mandatory_material
    assert attachment.file.read() == SCAN
    assert not CaseDraft.objects.exists()


def test_kept_counter_files_are_stored_encrypted(client, joint):
    client.force_login(joint.clerk)

    client.post(counter_url(joint), counter_data(joint, with_file=True, area=-1))

    kept = Attachment.objects.get(draft__purpose=CaseDraft.Purpose.COUNTER)
    stored = _stored_bytes(kept.file.name)
    assert b"110105199001011234" not in stored and not stored.startswith(b"%PDF")
    assert kept.file.read() == SCAN


def test_another_clerk_with_the_same_form_key_cannot_use_the_kept_file(client, joint):
    # Given a file kept from the first clerk's refused form
    client.force_login(joint.clerk)
    client.post(counter_url(joint), counter_data(joint, with_file=True, area=-1))
    other = StaffRoleFactory(
        department=joint.clerk.staff_roles.first().department,
        role=StaffRole.Role.COUNTER_CLERK,
    ).user

    # When another clerk posts the same form key, complete but without a file
    client.force_login(other)
    response = client.post(counter_url(joint), counter_data(joint, with_file=False))

    # Then the mandatory material is missing for them, and the first clerk's file is not shown
    body = response.content.decode()
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "floor-plan.pdf" not in body
    assert Attachment.objects.filter(draft__owner=joint.clerk).count() == 1


def test_kept_counter_files_expire_and_are_purged(
    client, joint, settings, django_capture_on_commit_callbacks
):
    # Given a file kept a day and a bit ago (files are kept 24 hours)
    settings.ECITY_KEPT_FILES_HOURS = 24
    client.force_login(joint.clerk)
    client.post(counter_url(joint), counter_data(joint, with_file=True, area=-1))
    kept = Attachment.objects.get()
    CaseDraft.objects.update(updated_at=timezone.now() - dt.timedelta(hours=25))

    # When the clerk submits the fixed form without the file
    response = client.post(counter_url(joint), counter_data(joint, with_file=False))

    # Then the expired file is not used
    assert response.status_code == 200 and not Case.objects.exists()
    # And the hourly purge deletes it and its stored file
    with django_capture_on_commit_callbacks(execute=True):
        assert kept_files_purge() == 1
    assert not Attachment.objects.exists() and not CaseDraft.objects.exists()
    assert not default_storage.exists(kept.file.name)


def test_correction_refused_for_a_field_keeps_the_file_for_the_next_send(client, joint):
    # Given an applicant correcting a case: a new plan with an invalid area
    case, _task = awaiting_correction(joint)
    client.force_login(joint.citizen)
    url = reverse("cases:correction", args=[case.number])
    key = material_key(joint.mandatory_material)
    refused = client.post(url, {**form_data(area=-1), key: upload("new-plan.pdf", SCAN)})
    assert refused.status_code == 200
    assert "new-plan.pdf" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_CORRECTION

    # When the applicant fixes the area and sends without choosing the file again
    response = client.post(url, form_data(area=44))

    # Then the correction is sent with the new plan on the case (the old one stays on record)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    names = sorted(case.attachments.values_list("original_name", flat=True))
    assert "new-plan.pdf" in names and len(names) == 2
    assert not CaseDraft.objects.exists()


def test_a_kept_correction_file_is_only_its_applicants(client, joint):
    # Given a file kept from the applicant's refused correction
    case, _task = awaiting_correction(joint)
    client.force_login(joint.citizen)
    url = reverse("cases:correction", args=[case.number])
    key = material_key(joint.mandatory_material)
    client.post(url, {**form_data(area=-1), key: upload("new-plan.pdf", SCAN)})
    kept = Attachment.objects.get(draft__purpose=CaseDraft.Purpose.CORRECTION)

    # When a member of staff tries to download or remove it
    client.force_login(joint.lead_reviewer)
    download = client.get(reverse("cases:draft_attachment_download", args=[kept.public_id]))

    # Then it is not found for them, and it is still kept
    assert download.status_code == 404
    assert Attachment.objects.filter(pk=kept.pk, draft__owner=joint.citizen).exists()
