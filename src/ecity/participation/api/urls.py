"""Participation API, mounted at /api/v1/participation/."""

from django.urls import path

from ecity.participation.api import mailboxes as mailboxes_api
from ecity.participation.api import surveys as surveys_api

app_name = "participation-api"
urlpatterns: list = []

# Mailboxes (领导信箱): list the mailboxes; a signed-in citizen sends a letter.
urlpatterns += [
    path("mailboxes/", mailboxes_api.MailboxListApi.as_view(), name="mailboxes"),
    path(
        "mailboxes/<uuid:mailbox_id>/letters/",
        mailboxes_api.LetterSubmitApi.as_view(),
        name="mailbox-letters",
    ),
]

# Surveys (网上调查): the open surveys with their questions; a signed-in person answers one.
urlpatterns += [
    path("surveys/", surveys_api.SurveyListApi.as_view(), name="surveys"),
    path(
        "surveys/<uuid:survey_id>/responses/",
        surveys_api.ResponseSubmitApi.as_view(),
        name="survey-responses",
    ),
]
