"""Registry API, mounted at /api/v1/registry/."""

from django.urls import path

from ecity.registry.api import indicators, sharing, views

app_name = "registry-api"
urlpatterns = [
    path("data-elements/", views.DataElementListApi.as_view(), name="data_element_list"),
    path(
        "data-elements/<str:identifier>/",
        views.DataElementDetailApi.as_view(),
        name="data_element_detail",
    ),
    path("code-lists/", views.CodeListListApi.as_view(), name="code_list_list"),
    path(
        "code-lists/<str:identifier>/values/",
        views.CodeValueListApi.as_view(),
        name="code_value_list",
    ),
    path("subject-terms/", views.SubjectTermListApi.as_view(), name="subject_term_list"),
    # The sharing API for department systems (GovStack Digital Registries shape).
    path(
        "data/<str:registry>/<str:version>/read",
        sharing.SharedRecordReadApi.as_view(),
        name="data_read",
    ),
    path(
        "data/<str:registry>/<str:version>/exists",
        sharing.SharedRecordExistsApi.as_view(),
        name="data_exists",
    ),
    path(
        "data/<str:registry>/<str:version>/list",
        sharing.SharedRecordListApi.as_view(),
        name="data_list",
    ),
    path("resources/", views.ResourceListApi.as_view(), name="resource_list"),
    path("resources/<str:code>/", views.ResourceDetailApi.as_view(), name="resource_detail"),
    path("indicators/", indicators.IndicatorListApi.as_view(), name="indicator_list"),
    path(
        "indicators/<str:code>/", indicators.IndicatorDetailApi.as_view(), name="indicator_detail"
    ),
    path(
        "indicators/<str:code>/observations/",
        indicators.IndicatorObservationListApi.as_view(),
        name="indicator_observation_list",
    ),
    path("catalogue.jsonld", views.CatalogueJsonLdApi.as_view(), name="catalogue_jsonld"),
    path("catalogue.ttl", views.CatalogueTurtleApi.as_view(), name="catalogue_ttl"),
]
