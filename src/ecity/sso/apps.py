from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "ecity.sso"
    label = "sso"
    verbose_name = _("Single sign-on")

    def ready(self) -> None:
        from ecity.core.models import SigningKey
        from ecity.core.vault import rotation_guard_register
        from ecity.sso.services import signing_key_rotation_check

        rotation_guard_register(SigningKey.Purpose.OIDC, signing_key_rotation_check)
