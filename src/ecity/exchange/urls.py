"""Exchange staff pages, mounted at /exchange/ (with /en/ for English)."""

from django.urls import path

from ecity.exchange import catalogue_views, pubsub_views, service_views

app_name = "exchange"
urlpatterns = [
    # Publish/subscribe (H2): a department's subscriptions and dead letters.
    path("subscriptions/", pubsub_views.pubsub_home, name="pubsub_home"),
    path(
        "subscriptions/<uuid:public_id>/",
        pubsub_views.subscription_detail,
        name="subscription_detail",
    ),
    path("services/", catalogue_views.service_catalogue_page, name="service_catalogue"),
    path("traffic/<str:code>/", catalogue_views.department_traffic_page, name="department_traffic"),
    # Service registry (H11): a department's systems, its services, access rights, topics.
    path("systems/", service_views.subsystem_list_page, name="subsystem_list"),
    path("services/register/", service_views.service_register_page, name="service_register"),
    path("services/<uuid:public_id>/", service_views.service_detail, name="service_detail"),
    path("topics/", service_views.topic_list_page, name="topic_list"),
    path(
        "topics/<str:name>/subscribe/",
        service_views.subscription_request_page,
        name="subscription_request",
    ),
]
