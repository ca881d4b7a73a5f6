"""The statistics pages: who may open them, what they show, the weekly report downloads."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from ecity.hotline.selectors.hotspot_overview import OVERVIEW_CACHE_SECONDS
from ecity.hotline.tests.factories import TicketFactory

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("hotline:hotspots"),
    reverse("hotline:measures"),
    reverse("hotline:weekly_report"),
    reverse("hotline:weekly_report_download", args=["pdf"]) + "?week=2025-06-18",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_department_handler_may_not_open_the_statistics(client, hotline, url):
    # Given a ticket handler of a department signed in
    client.force_login(hotline["handler"])
    # When they open a statistics page
    response = client.get(url)
    # Then it is forbidden
    assert response.status_code == 403


def test_someone_signed_out_is_sent_to_sign_in(client, hotline):
    # When an anonymous visitor opens the hotspots page
    response = client.get(reverse("hotline:hotspots"))
    # Then they are redirected to the sign-in page
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_dispatcher_sees_charts_with_tables_of_the_period(client, hotline):
    # Given two noise tickets in the community yesterday
    yesterday = timezone.now() - dt.timedelta(days=1)
    TicketFactory.create_batch(
        2, category=hotline["noise"], region=hotline["community"], received_at=yesterday
    )
    client.force_login(hotline["dispatcher"])
    # When the dispatcher opens the hotspots page with the default period
    response = client.get(reverse("hotline:hotspots"))
    # Then the line chart, the bars and the region map are there with their data tables
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 4
    assert "<polyline" in html
    assert "<td>噪音扰民</td><td>2</td>" in html
    assert "<td>大智街道</td><td>2</td>" in html


def test_an_end_before_the_start_is_shown_beside_the_field(client, hotline):
    # Given the dispatcher signed in
    client.force_login(hotline["dispatcher"])
    # When they ask for a period ending before it starts
    response = client.get(
        reverse("hotline:hotspots") + "?start=2025-06-10&end=2025-06-01&granularity=day"
    )
    # Then the page shows the error summary and the error at the end date, and no chart
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "结束日期不能早于开始日期" in html
    assert "<svg" not in html


def test_the_measures_page_ranks_departments_and_explains_each_rate(client, hotline):
    # Given a ticket dispatched to the urban department and signed for in time yesterday
    yesterday = timezone.now() - dt.timedelta(days=1)
    TicketFactory(
        category=hotline["noise"],
        handling=True,
        received_at=yesterday,
        dispatched_at=yesterday,
        signed_at=yesterday,
    )
    client.force_login(hotline["dispatcher"])
    # When the dispatcher opens the measures page ranked by sign-for rate
    response = client.get(reverse("hotline:measures") + "?start=&end=&order=sign_rate")
    # Then the department is ranked first with 100% (1 of 1), and the definitions are shown
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="row">城管局</th>' in html
    assert "100.0% <small>(1/1)</small>" in html
    assert "签收率" in html and "满意率" in html


def _week_with_tickets(hotline):
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    received = timezone.now().replace(year=monday.year, month=monday.month, day=monday.day, hour=4)
    TicketFactory.create_batch(3, category=hotline["roads"], received_at=received)
    return monday


def test_the_weekly_report_pdf_holds_the_weeks_figures(client, hotline):
    # Given three road tickets this week
    monday = _week_with_tickets(hotline)
    client.force_login(hotline["dispatcher"])
    # When the dispatcher downloads this week's PDF
    response = client.get(
        reverse("hotline:weekly_report_download", args=["pdf"]) + f"?week={monday}"
    )
    # Then it is a PDF whose text has the title, the total and the category
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"hotline-weekly-{monday:%Y%m%d}.pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "周报" in text
    assert "道路维修" in text
    assert "本周受理工单3件" in text.replace(" ", "")


def test_the_weekly_report_workbook_has_a_sheet_per_table(client, hotline):
    # Given three road tickets this week
    monday = _week_with_tickets(hotline)
    client.force_login(hotline["dispatcher"])
    # When the dispatcher downloads the Excel workbook of a day of this week
    response = client.get(
        reverse("hotline:weekly_report_download", args=["xlsx"])
        + f"?week={monday + dt.timedelta(days=2)}"
    )
    # Then the summary counts three tickets and the category sheet lists the roads
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "概览"
    summary = list(book["概览"].iter_rows(values_only=True))
    assert summary[1] == ("本周工单", 3)
    categories = list(book["按分类统计工单"].iter_rows(values_only=True))
    assert categories[1] == ("道路维修", 3)


def test_a_download_without_a_week_is_refused_with_the_error(client, hotline):
    # Given the dispatcher signed in
    client.force_login(hotline["dispatcher"])
    # When the download is asked without a week
    response = client.get(reverse("hotline:weekly_report_download", args=["pdf"]))
    # Then the form is shown again with its error
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()


def test_figures_are_kept_until_the_dispatcher_asks_to_compute_them_again(client, hotline):
    # Given a ticket yesterday and the dispatcher having opened the hotspots page
    yesterday = timezone.now() - dt.timedelta(days=1)
    TicketFactory(category=hotline["noise"], region=hotline["community"], received_at=yesterday)
    client.force_login(hotline["dispatcher"])
    client.get(reverse("hotline:hotspots"))
    # When a second ticket arrives and the page is opened again
    TicketFactory(category=hotline["noise"], region=hotline["community"], received_at=yesterday)
    kept = client.get(reverse("hotline:hotspots")).content.decode()
    # Then it shows the figures computed before, saying when they were computed
    assert "<td>噪音扰民</td><td>1</td>" in kept
    assert "数据计算于" in kept
    # and the link to compute them again counts both tickets
    again = client.get(reverse("hotline:hotspots") + "?refresh=1").content.decode()
    assert "<td>噪音扰民</td><td>2</td>" in again


def test_the_periodic_job_keeps_the_default_figures_ready_and_current(client, hotline):
    # Given figures the page computed with one ticket of yesterday
    from ecity.core.jobs import registered_jobs

    yesterday = timezone.now() - dt.timedelta(days=1)
    TicketFactory(category=hotline["noise"], region=hotline["community"], received_at=yesterday)
    client.force_login(hotline["dispatcher"])
    client.get(reverse("hotline:hotspots"))
    # When a second ticket arrives and the warming job runs, as it does every few minutes
    TicketFactory(category=hotline["noise"], region=hotline["community"], received_at=yesterday)
    job = registered_jobs()["hotline.hotspots_warm"]
    assert job.every_seconds < OVERVIEW_CACHE_SECONDS
    job.func()
    # Then the page opens on figures that count both tickets, without being asked to compute
    shown = client.get(reverse("hotline:hotspots")).content.decode()
    assert "<td>噪音扰民</td><td>2</td>" in shown
