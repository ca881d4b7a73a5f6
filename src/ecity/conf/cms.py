"""Settings of the department sub-sites (ecity.cms on Wagtail), imported by ``base``."""

from __future__ import annotations

from ecity.conf import env

# Department sub-sites (ecity.cms, Wagtail): the editors' admin lives at /cms/admin/, pages are
# served under /site/. Attachments are ecity.cms.Attachment (checked and text-extracted).
WAGTAIL_SITE_NAME = env.CITY_NAME
WAGTAILADMIN_BASE_URL = env.SITE_URL.rstrip("/")
WAGTAILDOCS_DOCUMENT_MODEL = "cms.Attachment"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "ecity.cms.forms.AttachmentForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "ofd"]
# Documents are stored encrypted (default storage): Wagtail streams them through its view.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Wagtail's own password and user management stay off: accounts are ecity's (identity).
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
# Editors log in through ecity's login page (lock-out, second factor): ecity.cms.admin_access.
WAGTAILADMIN_LOGIN_URL = "identity:login"
# No editor's e-mail hash goes to gravatar.com (the admin shows initials instead).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The editors' admin gets its own Content-Security-Policy (ecity.core.middleware).
ECITY_EDITOR_ADMIN_PATHS = ("/cms/admin/",)
