"""Identity API, mounted at /api/v1/identity/."""

from django.urls import path

from ecity.identity.api import views

app_name = "identity-api"
urlpatterns = [
    path("regions/", views.RegionListApi.as_view(), name="region-list"),
    path("regions/<str:code>/", views.RegionDetailApi.as_view(), name="region-detail"),
    path("departments/", views.DepartmentListApi.as_view(), name="department-list"),
    path("departments/<str:code>/", views.DepartmentDetailApi.as_view(), name="department-detail"),
    path("me/", views.MeApi.as_view(), name="me"),
    path(
        "me/email-confirmation/",
        views.EmailChangeConfirmApi.as_view(),
        name="email-confirmation",
    ),
    path(
        "me/phone-confirmation/",
        views.PhoneChangeConfirmApi.as_view(),
        name="phone-confirmation",
    ),
    path("me/password/", views.PasswordChangeApi.as_view(), name="password-change"),
    path("me/identities/", views.MyIdentitiesApi.as_view(), name="my-identities"),
    path("me/acting-identity/", views.ActingIdentityApi.as_view(), name="acting-identity"),
    path("registrations/", views.RegistrationApi.as_view(), name="registration"),
]
