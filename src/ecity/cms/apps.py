from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "ecity.cms"
    label = "cms"
    verbose_name = _("Portal content")

    def ready(self) -> None:
        # Wagtail's signals (publish, unpublish, move, delete, log entries) wired to ecity's
        # audit, search and anti-tampering record: Wagtail offers no other extension point.
        from ecity.cms import receivers  # noqa: F401
        from ecity.cms.admin_widgets import page_chooser_override_register

        # Wagtail registers its own page chooser for these when its forms module is imported
        # (above, through admin_widgets): this one replaces it before any form is built.
        page_chooser_override_register()
