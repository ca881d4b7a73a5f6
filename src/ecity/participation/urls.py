"""Participation pages, mounted at /participation/ (with /en/ for English)."""

from django.urls import path

from ecity.participation.views import surveys as survey_views

app_name = "participation"
urlpatterns: list = []

# Surveys (网上调查): the public list and taking a survey.
urlpatterns += [
    path("surveys/", survey_views.survey_list, name="survey_list"),
    path("surveys/<uuid:public_id>/", survey_views.survey_take, name="survey_take"),
]
