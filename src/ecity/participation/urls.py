"""Participation pages, mounted at /participation/ (with /en/ for English)."""

from django.urls import path

from ecity.participation.views import mailboxes
from ecity.participation.views import surveys as survey_views

app_name = "participation"
urlpatterns: list = []

# Mailboxes (领导信箱): public mailbox pages, the writer's letters, the staff inbox.
urlpatterns += [
    path("mailboxes/", mailboxes.mailbox_index, name="mailbox_index"),
    path("mailboxes/<slug:code>/", mailboxes.mailbox_page, name="mailbox"),
    path("letters/mine/", mailboxes.my_letters, name="my_letters"),
    path("letters/<str:number>/", mailboxes.letter_detail, name="letter_detail"),
    path("staff/letters/", mailboxes.staff_inbox, name="staff_inbox"),
    path("staff/letters/<str:number>/", mailboxes.staff_letter, name="staff_letter"),
    path(
        "staff/letters/<str:number>/<slug:action>/",
        mailboxes.staff_letter_action,
        name="staff_letter_action",
    ),
]

# Surveys (网上调查): the public list and taking a survey.
urlpatterns += [
    path("surveys/", survey_views.survey_list, name="survey_list"),
    path("surveys/<uuid:public_id>/", survey_views.survey_take, name="survey_take"),
]
