from django.urls import path

from ecity.certificates.api import views

app_name = "certificates-api"
urlpatterns = [
    path("mine/", views.CertificateWalletApi.as_view(), name="wallet"),
    path("verify/", views.CertificateVerifyApi.as_view(), name="verify"),
    path("<str:identifier>/revoke/", views.CertificateRevokeApi.as_view(), name="revoke"),
]
