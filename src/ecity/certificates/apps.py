from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "ecity.certificates"
    label = "certificates"
    verbose_name = _("Decisions and e-certificates")
