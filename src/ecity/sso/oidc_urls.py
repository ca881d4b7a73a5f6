"""The OpenID Connect provider's endpoints, mounted at /o/ (no language prefix).

The namespace is django-oauth-toolkit's ("oauth2_provider") because its views reverse these
names. Token introspection and DOT's self-service application pages are not exposed: clients are
registered by platform administrators in the admin.
"""

from django.urls import path, re_path
from oauth2_provider import views as oauth_views

from ecity.sso import views

app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("token/", oauth_views.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth_views.RevokeTokenView.as_view(), name="revoke-token"),
    path("userinfo/", oauth_views.UserInfoView.as_view(), name="user-info"),
    path("logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        views.discovery,
        name="oidc-connect-discovery-info",
    ),
    path(".well-known/jwks.json", views.jwks, name="jwks-info"),
]
