"""The applicant's HTML pages: apply, drafts, double submit, my cases, detail, files, rating."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ecity.cases.models import Case, CaseDraft
from ecity.cases.selectors.materials import material_key
from ecity.cases.tests.submission_support import PNG_BYTES, form_data, submit, upload
from ecity.identity.tests.factories import UserFactory, id_number_for

pytestmark = pytest.mark.django_db


def apply_url(joint):
    return reverse("cases:apply", args=[joint.item.code])


def check_url(joint):
    return reverse("cases:apply_check", args=[joint.item.code])


def post_data(joint, token="a" * 32, **overrides):
    data = {**form_data(), TOKEN: token, "action": "continue", **overrides}
    data.setdefault(material_key(joint.mandatory_material), upload())
    return data


def check_form(client, joint):
    """The hidden fields of the "Check your answers" page's submit form."""
    page = client.get(check_url(joint)).content.decode()
    token = re.search(r'name="submit_token" value="([0-9a-f]{32})"', page).group(1)
    revision = re.search(r'name="revision" value="([0-9a-f]+)"', page).group(1)
    return {TOKEN: token, "revision": revision}


def apply_and_submit(client, joint, data=None):
    """Fill in the form, continue to "Check your answers" and submit there."""
    continued = client.post(apply_url(joint), data or post_data(joint))
    assert continued.status_code == 302 and continued["Location"] == check_url(joint)
    return client.post(check_url(joint), check_form(client, joint))


TOKEN = "submit_token"


def test_apply_page_is_prefilled_and_lists_materials_with_limits(client, joint):
    client.force_login(joint.citizen)

    response = client.get(apply_url(joint))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert 'value="王小明"' in body and f'value="{joint.citizen.id_number}"' in body
    assert f'name="{material_key(joint.mandatory_material)}"' in body
    assert "PDF, JPEG, PNG" in body and "1 MB" in body
    assert re.search(r'name="submit_token" value="[0-9a-f]{32}"', body)


def test_apply_requires_login(client, joint):
    response = client.get(apply_url(joint))
    assert response.status_code == 302 and "login" in response["Location"]


def test_submit_redirects_to_confirmation_with_number_and_query_code(client, joint):
    client.force_login(joint.citizen)

    response = apply_and_submit(client, joint)

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:submitted", args=[case.number])
    page = client.get(response["Location"]).content.decode()
    assert case.number in page and case.query_code in page
    assert reverse("cases:receipt", args=[case.number]) in page


def test_double_submit_with_the_same_token_creates_one_case(client, joint):
    # given the check page of a complete application
    client.force_login(joint.citizen)
    client.post(apply_url(joint), post_data(joint))
    submit_form = check_form(client, joint)

    # when its Submit is sent twice (a double click, or the browser resending the form)
    first = client.post(check_url(joint), submit_form)
    second = client.post(check_url(joint), submit_form)

    # then there is one case and both answers lead to it
    case = Case.objects.get()
    assert first["Location"] == second["Location"]
    assert first["Location"] == reverse("cases:submitted", args=[case.number])


def test_errors_of_form_and_materials_are_summarised_together(client, joint):
    client.force_login(joint.citizen)
    data = post_data(joint, id_number="123", shop_name="")
    data.pop(material_key(joint.mandatory_material))
    data[material_key(joint.optional_material)] = upload("x.pdf", PNG_BYTES)

    response = client.post(apply_url(joint), data)

    body = response.content.decode()
    assert response.status_code == 200
    summary = body.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_id_number"' in summary and 'href="#id_shop_name"' in summary
    assert f'href="#id_{material_key(joint.mandatory_material)}"' in summary
    assert f'href="#id_{material_key(joint.optional_material)}"' in summary
    assert Case.objects.count() == 0


def test_save_draft_then_resume(client, joint):
    client.force_login(joint.citizen)
    data = {"shop_name": "草稿面馆", "action": "save", TOKEN: "c" * 32}
    data[material_key(joint.mandatory_material)] = upload("草图.pdf")

    saved = client.post(apply_url(joint), data)
    resumed = client.get(apply_url(joint)).content.decode()

    assert saved.status_code == 302 and CaseDraft.objects.count() == 1
    assert 'value="草稿面馆"' in resumed and "草图.pdf" in resumed
    submitted = apply_and_submit(client, joint, {**form_data(), "action": "continue"})
    assert submitted.status_code == 302
    assert Case.objects.get().attachments.get().original_name == "草图.pdf"


def test_my_cases_and_detail_pages(client, joint):
    case = submit(joint)
    client.force_login(joint.citizen)

    listing = client.get(reverse("cases:my_cases")).content.decode()
    detail = client.get(reverse("cases:detail", args=[case.number])).content.decode()

    assert case.number in listing
    assert "小明面馆" in detail and "plan.pdf" in detail
    assert (
        reverse("cases:attachment_download", args=[case.number, case.attachments.get().public_id])
        in detail
    )


def test_other_peoples_case_page_is_404(client, joint):
    case = submit(joint)
    client.force_login(UserFactory(is_real_name_verified=True))
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404


def test_download_streams_as_attachment_with_safe_headers(client, joint):
    case = submit(joint, files={material_key(joint.mandatory_material): upload("平面 图.pdf")})
    attachment = case.attachments.get()
    url = reverse("cases:attachment_download", args=[case.number, attachment.public_id])

    client.force_login(joint.citizen)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%B9%B3%E9%9D%A2%20%E5%9B%BE.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_download_permissions(client, joint):
    case = submit(joint)
    url = reverse("cases:attachment_download", args=[case.number, case.attachments.get().public_id])
    client.force_login(UserFactory(is_real_name_verified=True))
    assert client.get(url).status_code == 404
    client.force_login(joint.lead_reviewer)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_rating_form_on_decided_case(client, joint):
    case = submit(joint)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.APPROVED)
    client.force_login(joint.citizen)

    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    response = client.post(
        reverse("cases:rate", args=[case.number]), {"level": "1", "comment": "差"}
    )

    assert 'name="level"' in page
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.rating.level == 1 and case.rating.is_flagged


def test_counter_clerk_page_submits_for_walk_in(client, joint):
    client.force_login(joint.clerk)
    url = reverse("cases:counter_apply", args=[joint.item.code])
    data = post_data(
        joint, walkin_name="李大爷", walkin_id_number=id_number_for(88), walkin_phone="13700002222"
    )

    page = client.get(url)
    response = client.post(url, data)

    assert page.status_code == 200 and 'name="walkin_name"' in page.content.decode()
    case = Case.objects.get()
    assert case.channel == "counter" and case.applicant_name == "李大爷"
    assert response["Location"] == reverse("cases:receipt", args=[case.number])
    assert case.query_code in client.get(response["Location"]).content.decode()


def test_counter_page_is_forbidden_to_citizens(client, joint):
    client.force_login(joint.citizen)
    assert client.get(reverse("cases:counter_apply", args=[joint.item.code])).status_code == 403


def test_catalogue_apply_link_leads_logged_in_users_to_the_application(client, joint):
    client.force_login(joint.citizen)
    response = client.get(reverse("catalogue:apply", args=[joint.item.code]))
    assert response.status_code == 302 and response["Location"] == apply_url(joint)


def test_correction_page_sends_the_correction(client, joint):
    from ecity.cases.tests.test_submission_correction import awaiting_correction

    case, _task = awaiting_correction(joint)
    client.force_login(joint.citizen)
    url = reverse("cases:correction", args=[case.number])

    page = client.get(url).content.decode()
    response = client.post(url, {**form_data(area=44)})

    assert "面积与平面图不符" in page and 'value="35.0"' in page
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.form_data["area"] == 44


def test_filter_buttons_read_the_verb_not_the_admins_noun(client, joint):
    # given a citizen reading in zh-Hans (the default language)
    client.force_login(joint.citizen)

    # when the pages with filters are shown
    pages = [client.get(reverse("cases:my_cases")), client.get(reverse("cases:results"))]

    # then their buttons read 筛选 (filter the list), not 过滤器 (a filter, the admin's noun)
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert '<button type="submit">筛选</button>' in body and "过滤器" not in body
