"""Information disclosure pages, mounted at /disclosure/ (with /en/ for English)."""

from django.urls import path

from ecity.disclosure.views import catalogue, requests, staff

app_name = "disclosure"
urlpatterns = [
    path("", catalogue.index, name="index"),
    path("departments/<str:code>/", catalogue.department_catalogue, name="department"),
    path(
        "departments/<str:code>/catalogue.json",
        catalogue.department_catalogue,
        {"fmt": "json"},
        name="department_json",
    ),
    path(
        "departments/<str:code>/catalogue.rss",
        catalogue.department_catalogue,
        {"fmt": "rss"},
        name="department_rss",
    ),
    path("departments/<str:code>/reports/<int:year>/", catalogue.report_detail, name="report"),
    path(
        "departments/<str:code>/reports/<int:year>/report.pdf",
        catalogue.report_download,
        name="report_pdf",
    ),
    path("request/", requests.request_form, name="request_form"),
    path("requests/mine/", requests.my_requests, name="my_requests"),
    path("requests/lookup/", requests.lookup, name="lookup"),
    path("requests/<str:number>/", requests.request_detail, name="request_detail"),
    path("requests/<str:number>/reply.pdf", requests.reply_download, name="reply_pdf"),
    path("verify/", requests.reply_verify, name="reply_verify"),
    path("staff/", staff.worklist, name="staff_worklist"),
    path("staff/requests/<str:number>/", staff.request_page, name="staff_request"),
    path("staff/requests/<str:number>/reply.pdf", staff.reply_download, name="staff_reply_pdf"),
    path(
        "staff/requests/<str:number>/<slug:action>/",
        staff.request_action,
        name="staff_request_action",
    ),
    path("staff/departments/<str:code>/guide/", staff.guide_edit, name="staff_guide"),
    path(
        "staff/departments/<str:code>/reports/<int:year>/",
        staff.report_edit,
        name="staff_report",
    ),
]
