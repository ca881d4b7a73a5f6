"""ecity's URLs plus ``/bench/baseline/applications/`` (the baseline submission)."""

from django.urls import path

from baseline.views import baseline_submit
from ecity.conf import urls as ecity_urls

urlpatterns = [
    path("bench/baseline/applications/", baseline_submit),
    *ecity_urls.urlpatterns,
]
handler400 = getattr(ecity_urls, "handler400", None)
handler403 = getattr(ecity_urls, "handler403", None)
handler404 = getattr(ecity_urls, "handler404", None)
handler500 = getattr(ecity_urls, "handler500", None)
