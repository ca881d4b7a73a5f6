"""The application form keeps uploads through errors, and "Check your answers" before submitting."""

from __future__ import annotations

import re

import pytest

from ecity.cases.models import Attachment, Case, CaseDraft
from ecity.cases.selectors.materials import material_key
from ecity.cases.services.drafts import draft_attachment_remove
from ecity.cases.tests.submission_support import form_data, upload
from ecity.cases.tests.test_applicant_views import (
    TOKEN,
    apply_url,
    check_form,
    check_url,
    post_data,
)
from ecity.catalogue.models import ServiceItemVersion
from ecity.core.errors import NotFound
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_wrong_field_does_not_lose_the_uploaded_file(client, joint):
    # given a citizen who uploads the floor plan but mistypes the ID number
    client.force_login(joint.citizen)
    data = post_data(joint, id_number="123")
    data[material_key(joint.mandatory_material)] = upload("平面图.pdf")

    # when the form comes back with the error
    response = client.post(apply_url(joint), data)

    # then the file is kept and shown as already uploaded, with a way to remove it
    body = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_id_number"' in body
    assert "已上传文件：" in body and "平面图.pdf" in body
    kept = Attachment.objects.get(draft__owner=joint.citizen)
    assert f'name="remove_file" value="{kept.public_id}"' in body
    assert f'href="#id_{material_key(joint.mandatory_material)}"' not in body  # not missing

    # and when the ID number is corrected without choosing the file again, the case has it
    fixed = post_data(joint)
    fixed.pop(material_key(joint.mandatory_material))
    assert client.post(apply_url(joint), fixed)["Location"] == check_url(joint)
    client.post(check_url(joint), check_form(client, joint))
    assert Case.objects.get().attachments.get().original_name == "平面图.pdf"


def test_a_kept_file_can_be_removed(client, joint):
    client.force_login(joint.citizen)
    client.post(apply_url(joint), post_data(joint, id_number="123"))
    kept = Attachment.objects.get(draft__owner=joint.citizen)

    removed = client.post(apply_url(joint), {**form_data(), "remove_file": str(kept.public_id)})
    page = client.get(apply_url(joint)).content.decode()

    assert removed.status_code == 302
    assert not Attachment.objects.filter(pk=kept.pk).exists()
    assert "plan.pdf" not in page
    assert 'value="小明面馆"' in page  # the answers posted with the removal are kept


def test_only_the_owner_removes_a_draft_file(client, joint):
    client.force_login(joint.citizen)
    client.post(apply_url(joint), post_data(joint, id_number="123"))
    kept = Attachment.objects.get(draft__owner=joint.citizen)

    with pytest.raises(NotFound):
        draft_attachment_remove(actor=UserFactory(), public_id=kept.public_id)
    assert Attachment.objects.filter(pk=kept.pk).exists()


def test_check_page_lists_every_answer_and_file_with_change_links(client, joint):
    # given a complete application with a choice field
    schema = dict(joint.version.form_schema)
    schema["properties"] = {
        **schema["properties"],
        "delivery": {
            "type": "string",
            "title": "结果领取方式",
            "enum": ["counter", "post"],
            "enumNames": ["窗口领取", "免费邮寄"],
        },
    }
    ServiceItemVersion.objects.filter(pk=joint.version.pk).update(form_schema=schema)
    client.force_login(joint.citizen)

    # when the applicant continues
    continued = client.post(apply_url(joint), post_data(joint, delivery="post"))
    page = client.get(continued["Location"])

    # then every answer is listed with its label (not its code) and a link back to its field
    body = page.content.decode()
    assert continued["Location"] == check_url(joint) and page.status_code == 200
    assert "<dt>结果领取方式</dt>" in body and "<dd>免费邮寄</dd>" in body
    assert "<dd>post</dd>" not in body
    assert "<dt>店铺名称</dt>" in body and "<dd>小明面馆</dd>" in body
    assert f'href="{apply_url(joint)}#id_shop_name"' in body
    # and every material, the kept file or "not provided", with its change link
    assert "plan.pdf" in body and "委托书" in body and "未提供" in body
    assert f'href="{apply_url(joint)}#id_{material_key(joint.optional_material)}"' in body
    assert Case.objects.count() == 0  # nothing is submitted before "Submit"


def test_answers_changed_after_the_check_are_not_submitted_unseen(client, joint):
    client.force_login(joint.citizen)
    client.post(apply_url(joint), post_data(joint))
    submit_form = check_form(client, joint)
    # the applicant changes an answer in another tab
    client.post(apply_url(joint), post_data(joint, shop_name="另一家面馆"))

    response = client.post(check_url(joint), submit_form)

    assert response.status_code == 302 and response["Location"] == check_url(joint)
    assert Case.objects.count() == 0
    assert "另一家面馆" in client.get(check_url(joint)).content.decode()


def test_a_resent_submit_after_success_gives_the_same_case(client, joint):
    client.force_login(joint.citizen)
    client.post(apply_url(joint), post_data(joint))
    submit_form = check_form(client, joint)
    first = client.post(check_url(joint), submit_form)

    # the draft is gone with the submission; the same form sent again still finds the case
    again = client.post(check_url(joint), submit_form)

    assert Case.objects.count() == 1 and CaseDraft.objects.count() == 0
    assert again["Location"] == first["Location"]


def test_check_page_without_answers_leads_back_to_the_form(client, joint):
    client.force_login(joint.citizen)

    response = client.get(check_url(joint))
    submitted = client.post(check_url(joint), {TOKEN: "e" * 32, "revision": "x"})

    assert response.status_code == 302 and response["Location"] == apply_url(joint)
    assert submitted["Location"] == apply_url(joint) and Case.objects.count() == 0


def test_form_says_answers_can_be_checked_and_continues(client, joint):
    client.force_login(joint.citizen)

    body = client.get(apply_url(joint)).content.decode()

    assert re.search(r'<button type="submit" name="action" value="continue">继续</button>', body)


def test_removing_a_file_that_is_not_ones_own_changes_nothing(client, joint):
    client.force_login(joint.citizen)
    client.post(apply_url(joint), post_data(joint, id_number="123"))

    for bad in ("not-a-uuid", "6f1c1f8e-0000-4000-8000-000000000000"):
        response = client.post(apply_url(joint), {**form_data(), "remove_file": bad})
        assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert Attachment.objects.filter(draft__owner=joint.citizen).count() == 1
