"""Root URL configuration: HTML pages under a language prefix, APIs without one."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.documents import urls as wagtaildocs_urls

from ecity.cms import admin_access as cms_admin_access
from ecity.core import views as core_views
from ecity.exchange import catalogue_views as exchange_views
from ecity.sso import views as sso_views

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Both pages load only local (sidecar) assets and no inline script: see the docs' CSP in
    # ecity.core.middleware.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="schema", template_name="core/api_docs_swagger.html"
        ),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="schema", template_name="core/api_docs_redoc.html"),
        name="redoc",
    ),
    path("v1/identity/", include("ecity.identity.api.urls")),
    path("v1/audit/", include("ecity.audit.api.urls")),
    path("v1/catalogue/", include("ecity.catalogue.api.urls")),
    path("v1/cases/", include("ecity.cases.api.urls")),
    path("v1/notifications/", include("ecity.notify.api.urls")),
    path("v1/certificates/", include("ecity.certificates.api.urls")),
    path("v1/sso/", include("ecity.sso.api.urls")),
    path("v1/registry/", include("ecity.registry.api.urls")),
    path("v1/exchange/", include("ecity.exchange.api.urls")),
    path("v1/hotline/", include("ecity.hotline.api.urls")),
    path("v1/participation/", include("ecity.participation.api.urls")),
    path("v1/disclosure/", include("ecity.disclosure.api.urls")),
    path("v1/search/", include("ecity.search.api.urls")),
]

urlpatterns = [
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("display/", core_views.display_mode, name="display_mode"),
    path("healthz", core_views.healthz, name="healthz"),
    path("health", exchange_views.health_view, name="health"),
    path("metrics", exchange_views.metrics_view, name="metrics"),
    path("r1/", include("ecity.exchange.gateway.urls")),
    path("open311/v2/", include("ecity.hotline.open311.urls")),
    path("o/", include("ecity.sso.oidc_urls")),
    # Department sub-sites (ecity.cms): the editors' Wagtail admin and the attachments it serves.
    # Before Wagtail's: its login form, user and group pages and account page are ecity's.
    path("cms/admin/login/", cms_admin_access.admin_login, name="cms-admin-login"),
    path("cms/admin/account/", cms_admin_access.account_settings),
    re_path(r"^cms/admin/(?:users|groups)/(?P<rest>.*)$", cms_admin_access.closed),
    path("cms/admin/", include(wagtailadmin_urls)),
    path("cms/documents/", include(wagtaildocs_urls)),
    path("site/sitemap.xml", wagtail_sitemap, name="cms-sitemap"),
    path(".well-known/openid-configuration", sso_views.discovery, name="oidc-discovery-root"),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/linked-apps/", include("ecity.sso.urls")),
    path("accounts/", include("ecity.identity.urls")),
    path("audit/", include("ecity.audit.urls")),
    path("services/", include("ecity.catalogue.urls")),
    path("cases/", include("ecity.cases.urls")),
    path("notifications/", include("ecity.notify.urls")),
    path("certificates/", include("ecity.certificates.urls")),
    path("registry/", include("ecity.registry.urls")),
    path("exchange/", include("ecity.exchange.urls")),
    path("hotline/", include("ecity.hotline.urls")),
    path("participation/", include("ecity.participation.urls")),
    path("disclosure/", include("ecity.disclosure.urls")),
    path("cms/", include("ecity.cms.urls")),
    # Wagtail serves the page tree (city home, department sub-sites) under /site/.
    path("site/", include(wagtail_urls)),
    path("", include("ecity.portal.urls")),
    prefix_default_language=False,
)

handler404 = "ecity.core.views.page_not_found"
handler500 = "ecity.core.views.server_error"
