from django.urls import path

from ecity.certificates import views

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("decisions/<uuid:public_id>/pdf", views.decision_download, name="decision_pdf"),
    path("<str:identifier>/pdf", views.certificate_download, name="pdf"),
    path("<str:identifier>/revoke/", views.certificate_revoke, name="revoke"),
]
