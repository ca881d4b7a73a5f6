"""Links into the case system: header navigation, the applicant's result section."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecity.cases.models import Case
from ecity.certificates.models import Certificate
from ecity.identity.models import User

pytestmark = pytest.mark.django_db


def _main_nav(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<nav class="top-nav"')
    return html[start : html.index("</nav>", start)]


def test_citizen_header_links_to_my_cases_but_not_to_staff_pages(client, joint):
    client.force_login(joint.citizen)

    nav = _main_nav(client.get(reverse("portal:home")))

    assert f'href="{reverse("cases:my_cases")}"' in nav
    assert reverse("cases:workbench") not in nav
    assert reverse("cases:supervision") not in nav


def test_reviewer_header_links_to_the_workbench_only(client, joint):
    client.force_login(joint.health_reviewer)

    nav = _main_nav(client.get(reverse("portal:home")))

    assert f'href="{reverse("cases:workbench")}"' in nav
    assert reverse("cases:supervision") not in nav


def test_supervisor_header_links_to_workbench_and_supervision(client, joint):
    client.force_login(joint.supervisor)

    nav = _main_nav(client.get(reverse("portal:home")))

    assert f'href="{reverse("cases:workbench")}"' in nav
    assert f'href="{reverse("cases:supervision")}"' in nav


def test_anonymous_visitors_get_public_case_lookup_and_certificate_verification(client, db):
    response = client.get(reverse("portal:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("cases:my_cases") + '"' not in _main_nav(client.get(reverse("portal:home")))
    footer = html[html.index('<footer class="site-footer"') :]
    assert f'href="{reverse("cases:lookup")}"' in footer
    assert f'href="{reverse("certificates:verify")}"' in footer
    assert f'href="{reverse("cases:results")}"' in footer


def test_the_case_lookup_page_links_to_the_published_results(client, db):
    response = client.get(reverse("cases:lookup"))

    assert response.status_code == 200
    assert f'href="{reverse("cases:results")}"' in response.content.decode()
    assert client.get(reverse("cases:results")).status_code == 200


def test_notifications_link_to_their_case_for_the_applicant_and_for_staff(client, joint):
    # Given a case accepted by the counter, then urged by a supervisor
    from ecity.cases import services
    from ecity.cases.tests.workbench_support import make_case, parallel_process
    from ecity.notify.models import Notification

    parallel_process(joint)
    case = make_case(joint)
    services.case_accept(actor=joint.clerk, case=case)
    services.case_urge(actor=joint.supervisor, case=case, note="请加快")

    # Then the applicant's message links to his case page and the handlers' to the workbench
    accepted = Notification.objects.get(
        event="case_accepted", recipient=joint.citizen, channel="in_app"
    )
    assert accepted.link_path == reverse("cases:detail", args=[case.number])
    urged = Notification.objects.filter(event="case_urged", channel="in_app").first()
    assert urged.link_path == reverse("cases:workbench_case", args=[case.number])

    # And the applicant's inbox shows the link, which opens the case
    client.force_login(joint.citizen)
    inbox = client.get(reverse("notify:inbox"))
    assert inbox.status_code == 200
    assert f'href="{accepted.link_path}"' in inbox.content.decode()
    assert client.get(accepted.link_path).status_code == 200


def test_decided_case_page_shows_the_certificate_with_a_working_verification_link(client):
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=io.StringIO())
    case = Case.objects.get(applicant__username="zhangwei", status=Case.Status.APPROVED)
    certificate = Certificate.objects.get(source_ref=f"cases.case:{case.public_id}")
    client.force_login(User.objects.get(username="zhangwei"))

    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()

    assert "办理结果" in page
    assert certificate.identifier in page
    assert reverse("certificates:pdf", kwargs={"identifier": certificate.identifier}) in page
    link = page[page.index(f"{reverse('certificates:verify')}?") :].split('"')[0]
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["id"] == [certificate.identifier]
    verdict = client.get(reverse("certificates:verify"), query)
    assert verdict.status_code == 200
    assert verdict.context["result"].status == "valid"


def test_case_in_progress_has_no_result_section(client):
    call_command("load_demo", "--no-content", "--hotline-tickets", "0", stdout=io.StringIO())
    case = Case.objects.get(
        applicant__username="zhangwei",
        status=Case.Status.IN_PROGRESS,
        deadline_state=Case.DeadlineState.NORMAL,
    )
    client.force_login(User.objects.get(username="zhangwei"))

    response = client.get(reverse("cases:detail", args=[case.number]))

    assert response.status_code == 200
    page = response.content.decode()
    assert case.number in page
    assert 'id="result-title"' not in page
    assert "1.2.156.3005" not in page
