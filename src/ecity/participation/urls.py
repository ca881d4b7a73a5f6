"""Participation pages, mounted at /participation/ (with /en/ for English)."""

from django.urls import path

from ecity.participation.views import consultations as consultation_views
from ecity.participation.views import mailboxes, survey_results, surveys_staff
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

# Consultations (征集意见): the public pages and the editors' pages.
urlpatterns += [
    path("consultations/", consultation_views.consultation_list, name="consultation_list"),
    path(
        "consultations/<uuid:public_id>/",
        consultation_views.consultation_detail,
        name="consultation_detail",
    ),
    path(
        "consultations/<uuid:public_id>/draft.pdf",
        consultation_views.consultation_pdf,
        name="consultation_pdf",
    ),
    path(
        "staff/consultations/", consultation_views.staff_consultations, name="staff_consultations"
    ),
    path(
        "staff/consultations/new/",
        consultation_views.staff_consultation_create,
        name="staff_consultation_create",
    ),
    path(
        "staff/consultations/<uuid:public_id>/",
        consultation_views.staff_consultation,
        name="staff_consultation",
    ),
    path(
        "staff/consultations/<uuid:public_id>/edit/",
        consultation_views.staff_consultation_edit,
        name="staff_consultation_edit",
    ),
    path(
        "staff/consultations/<uuid:public_id>/summary/",
        consultation_views.staff_consultation_summarise,
        name="staff_consultation_summarise",
    ),
    path(
        "staff/consultations/<uuid:public_id>/comments/<uuid:comment_id>/moderate/",
        consultation_views.staff_comment_moderate,
        name="staff_comment_moderate",
    ),
    path(
        "staff/consultations/<uuid:public_id>/comments/<uuid:comment_id>/adoption/",
        consultation_views.staff_comment_adoption,
        name="staff_comment_adoption",
    ),
    path(
        "staff/consultations/<uuid:public_id>/<slug:action>/",
        consultation_views.staff_consultation_action,
        name="staff_consultation_action",
    ),
]

# Surveys for staff (the department's editors): list, editor, questions, results, export;
# and the public results of a closed survey.
urlpatterns += [
    path(
        "surveys/<uuid:public_id>/results/",
        survey_results.survey_results_public,
        name="survey_results",
    ),
    path("staff/surveys/", surveys_staff.staff_survey_list, name="staff_survey_list"),
    path("staff/surveys/new/", surveys_staff.staff_survey_create, name="staff_survey_create"),
    path("staff/surveys/<uuid:public_id>/", surveys_staff.staff_survey, name="staff_survey"),
    path(
        "staff/surveys/<uuid:public_id>/results/",
        survey_results.staff_survey_results,
        name="staff_survey_results",
    ),
    path(
        "staff/surveys/<uuid:public_id>/responses.xlsx",
        survey_results.staff_survey_export,
        name="staff_survey_export",
    ),
    path(
        "staff/surveys/<uuid:public_id>/questions/new/",
        surveys_staff.staff_question_add,
        name="staff_question_add",
    ),
    path(
        "staff/surveys/<uuid:public_id>/questions/<uuid:question_id>/",
        surveys_staff.staff_question_edit,
        name="staff_question_edit",
    ),
    path(
        "staff/surveys/<uuid:public_id>/questions/<uuid:question_id>/<slug:action>/",
        surveys_staff.staff_question_action,
        name="staff_question_action",
    ),
    path(
        "staff/surveys/<uuid:public_id>/<slug:action>/",
        surveys_staff.staff_survey_action,
        name="staff_survey_action",
    ),
]
