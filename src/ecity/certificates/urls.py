from django.urls import path

from ecity.certificates import views

app_name = "certificates"
urlpatterns = [
    path("mine/", views.wallet, name="wallet"),
    path("verify/", views.verify, name="verify"),
    path("<str:identifier>/pdf", views.certificate_download, name="pdf"),
    path("<str:identifier>/revoke/", views.certificate_revoke, name="revoke"),
]
