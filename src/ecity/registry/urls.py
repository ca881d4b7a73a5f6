"""Registry pages, mounted at /registry/ (with /en/ for English): metadata, the resource
catalogue and open data (region boundaries as GeoJSON too), staff address lookup, region pages,
a citizen's own record, a department's data quality."""

from django.urls import path, re_path

from ecity.registry import indicator_views, places_views, sharing_views, views

app_name = "registry"
urlpatterns = [
    path("data-elements/", views.data_element_list, name="data_element_list"),
    path("data-elements/<str:identifier>/", views.data_element_detail, name="data_element_detail"),
    path("code-lists/", views.code_list_list, name="code_list_list"),
    path("code-lists/<str:identifier>/", views.code_list_detail, name="code_list_detail"),
    # Staff pages of controlled sharing (data administrators).
    path("sharing/", sharing_views.sharing_home, name="sharing_home"),
    path(
        "sharing/resources/<str:resource_code>/request/",
        sharing_views.sharing_request_new,
        name="sharing_request_new",
    ),
    path(
        "sharing/requests/<str:public_id>/",
        sharing_views.sharing_request_detail,
        name="sharing_request_detail",
    ),
    path(
        "sharing/grants/<str:public_id>/revoke/",
        sharing_views.sharing_grant_revoke,
        name="sharing_grant_revoke",
    ),
    path("resources/", views.resource_list, name="resource_list"),
    re_path(
        r"^resources/catalogue\.(?P<export_format>csv|xlsx)$",
        views.resource_export,
        name="resource_export",
    ),
    re_path(
        r"^resources/catalogue\.(?P<export_format>jsonld|ttl)$",
        views.resource_dcat,
        name="resource_dcat",
    ),
    path("resources/<str:code>/", views.resource_detail, name="resource_detail"),
    path("open-data/", views.open_data_list, name="open_data_list"),
    path(
        "open-data/region-boundaries.geojson",
        places_views.boundaries_geojson,
        name="boundaries_geojson",
    ),
    re_path(
        r"^open-data/region-boundaries/(?P<region_code>\d{6,12})\.geojson$",
        places_views.boundary_geojson,
        name="boundary_geojson",
    ),
    # Staff address lookup; public region pages.
    path("addresses/", places_views.address_list, name="address_list"),
    path("addresses/<str:code>/", places_views.address_detail, name="address_detail"),
    path("regions/", places_views.region_list, name="region_list"),
    re_path(
        r"^regions/(?P<region_code>\d{6,12})/$", places_views.region_detail, name="region_detail"
    ),
    re_path(
        r"^open-data/(?P<code>[^/]+)/metadata\.(?P<export_format>csv|json)$",
        views.open_data_metadata,
        name="open_data_metadata",
    ),
    path("open-data/<str:code>/values.csv", views.open_data_values, name="open_data_values"),
    path("indicators/", indicator_views.indicator_list, name="indicator_list"),
    path("indicators/upload/", indicator_views.indicator_upload, name="indicator_upload"),
    path("indicators/<str:code>/", indicator_views.indicator_detail, name="indicator_detail"),
    re_path(
        r"^indicators/(?P<code>[^/]+)/observations\.(?P<export_format>csv|json)$",
        indicator_views.indicator_download,
        name="indicator_download",
    ),
    path("my-record/", views.my_record, name="my_record"),
    path("quality/<str:code>/", views.quality, name="quality"),
]
