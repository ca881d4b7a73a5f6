"""Account pages, mounted at /accounts/ (under the language prefix)."""

from django.urls import path

from ecity.identity import verification_views, views
from ecity.identity.providers import demo as demo_provider
from ecity.identity.security import views as security_views

app_name = "identity"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", security_views.login_verify, name="login_verify"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("mfa/", security_views.mfa_manage, name="mfa_manage"),
    path("mfa/setup/", security_views.mfa_setup, name="mfa_setup"),
    path("mfa/recovery-codes/", security_views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path(
        "mfa/recovery-codes/regenerate/",
        security_views.mfa_recovery_regenerate,
        name="mfa_recovery_regenerate",
    ),
    path("mfa/disable/", security_views.mfa_disable, name="mfa_disable"),
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/email/", views.email_change, name="email_change"),
    path(
        "profile/email/confirm/<str:token>/",
        views.email_change_confirm,
        name="email_change_confirm",
    ),
    path("profile/phone/", views.phone_change, name="phone_change"),
    path("profile/phone/confirm/", views.phone_change_confirm, name="phone_change_confirm"),
    path(
        "profile/changes/<str:kind>/cancel/",
        views.contact_change_cancel,
        name="contact_change_cancel",
    ),
    path("switch-identity/", views.switch_identity, name="switch_identity"),
    path("password/change/", views.password_change, name="password_change"),
    path("verify/", verification_views.verify, name="verify"),
    path("verify/callback/", verification_views.verify_callback, name="verify_callback"),
    path("verify/demo-provider/", demo_provider.demo_provider_page, name="demo_provider"),
    path("counter/people/", verification_views.counter_person, name="counter_person"),
    path("counter/enterprises/", verification_views.counter_enterprise, name="counter_enterprise"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/register/", views.enterprise_register, name="enterprise_register"),
    path("enterprises/<uuid:public_id>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<uuid:public_id>/agents/", views.agent_grant, name="agent_grant"),
    path(
        "enterprises/<uuid:public_id>/verify/",
        verification_views.enterprise_verify_registry,
        name="enterprise_verify_registry",
    ),
    path(
        "enterprises/<uuid:public_id>/agents/<uuid:authorisation_id>/revoke/",
        views.agent_revoke,
        name="agent_revoke",
    ),
]
