"""Pressing Enter in an application form submits it, even with a kept file's "Remove" on the page.

A browser submits a form on Enter with its default button: the first submit button of the form
in document order. The forms list already-uploaded files with a "Remove" button above the
form's own buttons, so the default button must be the form's submit action, not "Remove".
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from ecity.cases.models import Attachment, Case, CaseDraft
from ecity.cases.selectors.materials import material_key
from ecity.cases.tests.submission_support import form_data, upload
from ecity.cases.tests.test_applicant_views import apply_url, check_url, post_data
from ecity.cases.tests.test_joint_drafts import _apply_url as joint_apply_url
from ecity.cases.tests.test_joint_drafts import _save_half_filled
from ecity.cases.tests.test_kept_files import SCAN, counter_data, counter_url
from ecity.cases.tests.test_submission_correction import awaiting_correction
from ecity.catalogue.tests.joint_support import restaurant_joint, restaurant_services
from ecity.core.calendar import calendar_seed
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class SubmitButton:
    name: str | None
    value: str


class _DefaultButtonFinder(HTMLParser):
    """The submit buttons of the form posting to ``action``, in document order."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.in_form = False
        self.buttons: list[SubmitButton] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("action") == self.action:
            self.in_form = True
        elif (
            self.in_form
            and tag == "button"
            and attributes.get("type", "submit") == "submit"
            and attributes.get("form") is None  # a button of another form is not this one's
            and "disabled" not in attributes
        ):
            self.buttons.append(SubmitButton(attributes.get("name"), attributes.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False


def default_button(page: str, action: str) -> SubmitButton:
    """The button a browser presses when Enter is hit in a field of the form (its first)."""
    finder = _DefaultButtonFinder(action)
    finder.feed(page)
    assert finder.buttons, f"no submit button in the form posting to {action}"
    return finder.buttons[0]


def pressed(data: dict, button: SubmitButton) -> dict:
    """The form's data as a browser posts it with ``button`` pressed."""
    return {**data, button.name: button.value} if button.name else dict(data)


def test_enter_in_the_apply_form_continues_and_keeps_the_uploaded_file(client, joint):
    # Given a citizen whose form came back with a wrong ID number and the plan kept on the draft
    client.force_login(joint.citizen)
    refused = client.post(apply_url(joint), post_data(joint, id_number="123"))
    assert refused.status_code == 200
    kept = Attachment.objects.get(draft__owner=joint.citizen)
    assert f'name="remove_file" value="{kept.public_id}"' in refused.content.decode()

    # When the citizen fixes the ID number and presses Enter in a text field
    button = default_button(refused.content.decode(), apply_url(joint))
    data = post_data(joint)
    del data["action"], data[material_key(joint.mandatory_material)]
    response = client.post(apply_url(joint), pressed(data, button))

    # Then the form goes on to "Check your answers" with the file still there
    assert (button.name, button.value) == ("action", "continue")
    assert response.status_code == 302 and response["Location"] == check_url(joint)
    assert Attachment.objects.filter(pk=kept.pk, draft__owner=joint.citizen).exists()


def test_enter_in_the_counter_form_submits_the_application(client, joint):
    # Given a counter clerk whose form was refused for the area, the floor plan kept
    client.force_login(joint.clerk)
    refused = client.post(counter_url(joint), counter_data(joint, with_file=True, area=-1))
    assert refused.status_code == 200 and 'name="remove_file"' in refused.content.decode()

    # When the clerk fixes the area and presses Enter
    button = default_button(refused.content.decode(), counter_url(joint))
    data = counter_data(joint, with_file=False)
    del data["action"]
    response = client.post(counter_url(joint), pressed(data, button))

    # Then the application is submitted with the kept file
    assert (button.name, button.value) == ("action", "submit")
    case = Case.objects.get()
    assert response["Location"] == reverse("cases:receipt", args=[case.number])
    assert case.attachments.get().original_name == "floor-plan.pdf"


def test_enter_in_the_correction_form_sends_the_correction(client, joint):
    # Given an applicant whose correction was refused for the area, the new plan kept
    case, _task = awaiting_correction(joint)
    client.force_login(joint.citizen)
    url = reverse("cases:correction", args=[case.number])
    key = material_key(joint.mandatory_material)
    refused = client.post(url, {**form_data(area=-1), key: upload("new-plan.pdf", SCAN)})
    assert refused.status_code == 200 and 'name="remove_file"' in refused.content.decode()

    # When the applicant fixes the area and presses Enter
    button = default_button(refused.content.decode(), url)
    response = client.post(url, pressed(form_data(area=44), button))

    # Then the correction is sent, the kept plan with it
    assert button.name != "remove_file"
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert "new-plan.pdf" in case.attachments.values_list("original_name", flat=True)
    assert not CaseDraft.objects.exists()


@pytest.fixture
def restaurant():
    calendar_seed()
    services = restaurant_services()
    services.joint = restaurant_joint(services)
    services.citizen = UserFactory(real_name="王小明", is_real_name_verified=True)
    return services


def test_enter_in_the_joint_apply_form_submits_rather_than_removes_the_saved_file(
    client, restaurant
):
    # Given a citizen back at a saved joint application with a file kept on its draft
    _save_half_filled(client, restaurant)
    page = client.get(joint_apply_url(restaurant))
    body = page.content.decode()
    assert page.status_code == 200 and 'name="remove_file"' in body

    # When Enter is pressed in a field, the browser presses the form's first submit button
    button = default_button(body, joint_apply_url(restaurant))

    # Then it is the form's submit action
    assert (button.name, button.value) == ("action", "submit")
