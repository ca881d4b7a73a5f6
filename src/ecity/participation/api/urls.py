"""Participation API, mounted at /api/v1/participation/."""

from django.urls import path

from ecity.participation.api import mailboxes as mailboxes_api

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
