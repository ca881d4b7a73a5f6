"""Settings shared by every environment. Overlays (dev, test, production) only override."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ecity.conf import env

BASE_DIR = env.BASE_DIR
DATA_DIR = env.DATA_DIR

# A development-only key; production.py refuses to start without SECRET_KEY.
SECRET_KEY = env.SECRET_KEY or "dev-insecure-key-do-not-use-in-production"
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "ecity.core",
    "ecity.org",
    "ecity.audit",
    "ecity.workflow",
    "ecity.identity",
    "ecity.sso",
    "ecity.catalogue",
    "ecity.notify",
    "ecity.search",
    "ecity.certificates",
    "ecity.cases",
    "ecity.registry",
    "ecity.hotline",
    "ecity.participation",
    "ecity.exchange",
    "ecity.disclosure",
    "ecity.cms",
    # Wagtail (department sub-sites, ecity.cms): page tree, moderation workflows, revisions.
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "ecity.portal",
    "ecity.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecity.org.middleware.RolesMemoMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ecity.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecity.core.middleware.SecurityHeadersMiddleware",
    "ecity.core.middleware.PrivateCacheMiddleware",
    "ecity.identity.security.middleware.StaffIdleTimeoutMiddleware",
    "ecity.identity.security.middleware.MfaEnrolmentMiddleware",
]

ROOT_URLCONF = "ecity.conf.urls"
WSGI_APPLICATION = "ecity.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecity.core.context_processors.platform",
                "ecity.notify.context_processors.unread_count",
                "ecity.cases.context_processors.staff_links",
                "ecity.registry.context_processors.sharing_links",
                "ecity.exchange.context_processors.exchange_links",
                "ecity.hotline.context_processors.hotline_links",
                "ecity.disclosure.context_processors.disclosure_links",
            ],
        },
    },
]


def _database_settings(url: str, *, conn_max_age: int, pg_jit: str) -> dict[str, Any]:
    """The default database from its URL; PostgreSQL connections get ``jit`` from ECITY_PG_JIT."""
    conf = dj_database_url.parse(url, conn_max_age=conn_max_age)
    if conf["ENGINE"] == "django.db.backends.postgresql":
        if pg_jit not in {"off", "on", "server"}:
            raise ImproperlyConfigured(f"ECITY_PG_JIT must be off, on or server, got {pg_jit!r}")
        if pg_jit != "server":
            conf.setdefault("OPTIONS", {})["options"] = f"-c jit={pg_jit}"
    return conf


DATABASES = {
    "default": _database_settings(
        env.DATABASE_URL, conn_max_age=env.DATABASE_CONN_MAX_AGE, pg_jit=env.PG_JIT
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the single writer work at once; IMMEDIATE avoids lock upgrades failing
    # under concurrent writes from several gunicorn workers.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = ["ecity.identity.backends.LoginNameBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "ecity.identity.security.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ecity.identity.security.passwords.CharacterClassValidator"},
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:profile"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
MEDIA_URL = "/media/"
MEDIA_ROOT = env.MEDIA_ROOT
# Uploaded and generated files are encrypted at rest (ecity.core.storage), owner-only on disk.
STORAGES = {
    "default": {"BACKEND": "ecity.core.storage.EncryptedFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _email_settings(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path or str(DATA_DIR / "mail"),
        }
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in {"smtp", "smtp+tls", "smtps"}:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
            "EMAIL_USE_SSL": parts.scheme == "smtps",
        }
    raise ValueError(f"ECITY_EMAIL_URL has an unknown scheme: {parts.scheme!r}")


globals().update(_email_settings(env.EMAIL_URL))


def _cache_settings(url: str) -> dict[str, object]:
    """The shared cache (rate limits, API throttles): every web process must see the same one."""
    parts = urlsplit(url)
    if parts.scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": parts.netloc or "ecity_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
        }
    if parts.scheme in {"redis", "rediss"}:
        return {"BACKEND": "ecity.core.cache.RedisCache", "LOCATION": url}
    if parts.scheme == "locmem":
        # One process only (tests, a single-process development server).
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ValueError(f"ECITY_CACHE_URL has an unknown scheme: {parts.scheme!r}")


CACHES = {"default": {**_cache_settings(env.CACHE_URL), "KEY_PREFIX": "ecity"}}
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "ecity.core.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "ecity.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "EXCEPTION_HANDLER": "ecity.core.api.exception_handler",
    # JSON with limits (size ECITY_API_MAX_JSON_BYTES, depth, no NaN/Infinity); forms as usual.
    "DEFAULT_PARSER_CLASSES": [
        "ecity.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Answered with 429 and the envelope code "throttled"; counted in the shared cache.
    "DEFAULT_THROTTLE_CLASSES": [
        # Keyed on core.ratelimit.client_ip: DRF's own get_ident would trust a client-sent
        # X-Forwarded-For when no proxy count is configured.
        "ecity.core.throttling.ClientAnonRateThrottle",
        "ecity.core.throttling.ClientUserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": env.API_RATE_ANON, "user": env.API_RATE_USER},
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ecity API",
    "DESCRIPTION": (
        "Unified e-government platform API: service catalogue, accounts and organisations."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Wagtail's admin (ecity.cms) carries its own internal DRF API: not part of ours.
    "PREPROCESSING_HOOKS": ["ecity.cms.openapi.exclude_wagtail_admin_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ecity.core.api.error_codes_schema_hook",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ServiceKindEnum": "ecity.catalogue.models.ServiceItemVersion.Kind",
        "AudienceEnum": "ecity.catalogue.models.Audience",
        "CaseStatusEnum": "ecity.cases.models.Case.Status",
        "CaseTaskStatusEnum": "ecity.cases.models.CaseTask.Status",
        "VersionStatusEnum": "ecity.catalogue.models.ServiceItemVersion.Status",
        "CertificateStatusEnum": "ecity.certificates.models.Certificate.Status",
        "NotificationStatusEnum": "ecity.notify.models.Notification.Status",
        "ExchangeServiceKindEnum": "ecity.exchange.models.Service.Kind",
        "DisclosureRequestStatusEnum": "ecity.disclosure.models.DisclosureRequest.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # httpx logs every request at INFO: one line per gateway call is the call record's job.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        # Wagtail runs its index and reference-index updates as tasks: two lines per page save.
        "django_tasks": {"level": "WARNING"},
    },
}

ECITY_CITY_NAME = env.CITY_NAME
ECITY_CITY_NAME_EN = env.CITY_NAME_EN
ECITY_SITE_URL = env.SITE_URL
ECITY_BROKER_URL = env.BROKER_URL
ECITY_SMS_URL = env.SMS_URL
ECITY_FIELD_KEYS = env.FIELD_KEYS
ECITY_EVENTS_DELIVER_EVERY_SECONDS = env.EVENTS_DELIVER_EVERY_SECONDS
ECITY_EVENTS_RETRY_SECONDS = env.EVENTS_RETRY_SECONDS
ECITY_EVENTS_MAX_ATTEMPTS = env.EVENTS_MAX_ATTEMPTS
ECITY_EXCHANGE_INSTANCE = env.EXCHANGE_INSTANCE
ECITY_EXCHANGE_MAX_SKEW_SECONDS = env.EXCHANGE_MAX_SKEW_SECONDS
ECITY_EXCHANGE_LOG_RETENTION_DAYS = env.EXCHANGE_LOG_RETENTION_DAYS
ECITY_EXCHANGE_GATEWAY_URL = env.EXCHANGE_GATEWAY_URL
ECITY_VAULT_KEY_CHECK_SECONDS = env.VAULT_KEY_CHECK_SECONDS  # H8
ECITY_CONNECTORS_EVERY_SECONDS = env.CONNECTORS_EVERY_SECONDS  # H4
ECITY_EXCHANGE_RETRY_SECONDS = env.EXCHANGE_RETRY_SECONDS
ECITY_EXCHANGE_MAX_ATTEMPTS = env.EXCHANGE_MAX_ATTEMPTS
ECITY_EXCHANGE_VISIBILITY_SECONDS = env.EXCHANGE_VISIBILITY_SECONDS
ECITY_EXCHANGE_PUSH_TIMEOUT_SECONDS = env.EXCHANGE_PUSH_TIMEOUT_SECONDS
ECITY_EXCHANGE_DELIVER_EVERY_SECONDS = env.EXCHANGE_DELIVER_EVERY_SECONDS
ECITY_EXCHANGE_ALLOW_HTTP_LOOPBACK = env.EXCHANGE_ALLOW_HTTP_LOOPBACK
ECITY_EXCHANGE_GATEWAY_TIMEOUT_SECONDS = env.EXCHANGE_GATEWAY_TIMEOUT_SECONDS
ECITY_EXCHANGE_GATEWAY_ACCESS_CACHE_SECONDS = env.EXCHANGE_GATEWAY_ACCESS_CACHE_SECONDS
ECITY_METRICS_TOKEN = env.METRICS_TOKEN
ECITY_EXCHANGE_TRANSPORT = env.EXCHANGE_TRANSPORT
ECITY_NATS_URL = env.NATS_URL
ECITY_NATS_SUBJECT_PREFIX = env.NATS_SUBJECT_PREFIX
ECITY_NATS_STREAM = env.NATS_STREAM
ECITY_NATS_REPLICAS = env.NATS_REPLICAS
ECITY_NATS_MAX_AGE_DAYS = env.NATS_MAX_AGE_DAYS
ECITY_NATS_MAX_BYTES = env.NATS_MAX_BYTES
ECITY_NATS_DUPLICATE_WINDOW_SECONDS = env.NATS_DUPLICATE_WINDOW_SECONDS
ECITY_NATS_BATCH_SIZE = env.NATS_BATCH_SIZE
ECITY_NATS_MAX_DELIVER = env.NATS_MAX_DELIVER
ECITY_NATS_ACK_WAIT_SECONDS = env.NATS_ACK_WAIT_SECONDS
ECITY_NATS_BACKOFF_SECONDS = env.NATS_BACKOFF_SECONDS
# Deliveries over NATS (H9).
ECITY_EXCHANGE_NATS_FALLBACK_SECONDS = env.EXCHANGE_NATS_FALLBACK_SECONDS
ECITY_EVENTS_DELIVER_ON_COMMIT = env.EVENTS_DELIVER_ON_COMMIT
ECITY_FIELD_KEYS_FILE = env.FIELD_KEYS_FILE
ECITY_AUDIT_CHECKPOINT_FILE = env.AUDIT_CHECKPOINT_FILE
ECITY_AUDIT_CHECKPOINT_EVERY_SECONDS = env.AUDIT_CHECKPOINT_EVERY_SECONDS
ECITY_AUDIT_SEAL_INTERVAL_MS = env.AUDIT_SEAL_INTERVAL_MS
ECITY_API_TOKEN_CACHE_SECONDS = env.API_TOKEN_CACHE_SECONDS
ECITY_HOTLINE_LOOKUP_CACHE_SECONDS = env.HOTLINE_LOOKUP_CACHE_SECONDS
# Public case lookup limits (ecity.cases.selectors.public): per client address and minute;
# wrong query codes per case number within 15 minutes.
ECITY_LOOKUP_RATE_PER_MINUTE = env.LOOKUP_RATE_PER_MINUTE
ECITY_LOOKUP_FAILURE_LIMIT = env.LOOKUP_FAILURE_LIMIT
# Efficiency supervision: supervisors of this department supervise every department ("": none).
ECITY_SUPERVISION_DEPARTMENT_CODE = env.SUPERVISION_DEPARTMENT_CODE
ECITY_RECTIFICATION_WORKING_DAYS = env.RECTIFICATION_WORKING_DAYS
ECITY_DISPUTE_WORKING_DAYS = env.DISPUTE_WORKING_DAYS
# Days within which each base registry's authority is expected to update it (data quality:
# freshness), until the resource catalogue gives every resource its own update cycle.
ECITY_REGISTRY_UPDATE_CYCLE_DAYS = {"persons": 30, "legal_entities": 30, "addresses": 30}
# Files kept from a refused counter or correction form expire after this many hours.
ECITY_KEPT_FILES_HOURS = env.KEPT_FILES_HOURS
# Demonstration and training tools (moving cases in time) are refused unless this is on.
ECITY_TRAINING_MODE = env.TRAINING_MODE
# Subjects whose deadlines one transaction recomputes after a calendar change.
ECITY_DEADLINE_RECOMPUTE_BATCH_SIZE = env.DEADLINE_RECOMPUTE_BATCH_SIZE

# Department sub-sites (ecity.cms, Wagtail): ecity/conf/cms.py.
from ecity.conf.cms import *  # noqa: E402, F403

# Working hours of working days (ecity.workflow.clocks.add_working_hours): time limits counted in
# working hours, e.g. a hotline ticket's sign-for limit. Local times, in order, not overlapping.
ECITY_WORKING_HOURS = (("09:00", "12:00"), ("13:30", "17:30"))
# 12345 hotline: the department code of the hotline centre (its agents take calls, its channel
# systems post tickets), the city's bounding box for a ticket's coordinates (WGS 84: south, west,
# north, east; default Wuhan) and the size limit of a ticket attachment (MiB).
ECITY_HOTLINE_CENTRE_CODE = "12345"
ECITY_HOTLINE_CITY_BBOX = env.HOTLINE_CITY_BBOX
ECITY_HOTLINE_ATTACHMENT_MAX_MB = 10
# Days the SMS callback questionnaire's link stays valid after closing; unanswered by then, the
# ticket is called back by phone (ecity.hotline.services.questionnaires).
ECITY_HOTLINE_QUESTIONNAIRE_DAYS = 7

# OpenID Connect provider for department applications (ecity.sso, part of the identity domain).
# The signing key is not a setting: ecity.sso.keys reads ECITY_OIDC_PRIVATE_KEY or generates one
# into the database on first use, and publishes current + previous keys in the JWKS.
ECITY_OIDC_ISSUER = (env.OIDC_ISSUER or env.SITE_URL.rstrip("/") + "/o").rstrip("/")
ECITY_OIDC_PRIVATE_KEY = env.OIDC_PRIVATE_KEY
# ecity.sso refers to the (swappable) client model; migrations need the setting spelled out.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": ECITY_OIDC_ISSUER,
    "OAUTH2_VALIDATOR_CLASS": "ecity.sso.oidc.EcityOAuth2Validator",
    "SCOPES_BACKEND_CLASS": "ecity.sso.oidc.PolicyScopes",
    "SCOPES": {
        "openid": "Sign in with your ecity account",
        "profile": "Real name and real-name verification level",
        "phone": "Mobile phone number",
        "id_number": "Resident ID number",
        "enterprise": "The enterprise the user acts for",
    },
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 12 * 60 * 60,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    # ecity.sso.views.LogoutView revokes only the requesting application's tokens itself.
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": False,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
}

# Signing in, accounts, real-name levels (ecity.identity): ecity/conf/accounts.py.
from ecity.conf.accounts import *  # noqa: E402, F403

# Uploaded BPMN processes: at most this many branches leave one parallel gateway.
ECITY_MAX_PARALLEL_BRANCHES = 10
# Largest JSON request body the API parses (multipart uploads have their own limits).
ECITY_API_MAX_JSON_BYTES = env.API_MAX_JSON_BYTES
# Working-day clocks (ecity.workflow.clocks): a subject is "due soon" from this many working days
# before its due date (the due day included).
ECITY_DUE_SOON_WORKING_DAYS = 2
# Hotline knowledge base: the owning department is told of a published article this many days
# before its validity ends (ecity.hotline.jobs).
ECITY_HOTLINE_KNOWLEDGE_EXPIRY_NOTICE_DAYS = 14
