"""Every environment variable ecity reads, in one place.

Each variable has a default suitable for the embedded mode (SQLite, no other services) except the
production secrets, which production settings require. Documented in docs/configuration.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # src/ecity
PROJECT_DIR = BASE_DIR.parent.parent  # repository root when run from a checkout


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _floats(name: str, default: tuple[float, ...], count: int) -> tuple[float, ...]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = tuple(float(item) for item in raw.split(","))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {count} numbers, got {raw!r}") from exc
    if len(values) != count:
        raise ImproperlyConfigured(f"{name} must be {count} numbers, got {raw!r}")
    return values


DATA_DIR = Path(_str("ECITY_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()

SECRET_KEY = _str("SECRET_KEY")
DEBUG = _bool("ECITY_DEBUG", False)
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = _list("ECITY_CSRF_TRUSTED_ORIGINS", [])
DATABASE_URL = _str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'ecity.sqlite3'}")
DATABASE_CONN_MAX_AGE = _int("ECITY_DB_CONN_MAX_AGE", 60)
# PostgreSQL's JIT compiler costs 5-20 ms on the platform's short queries and gains nothing on
# them: "off" (default) turns it off for ecity's connections, "on" turns it on, "server" leaves
# the server's setting (behind PgBouncer, which refuses the "options" startup parameter).
PG_JIT = _str("ECITY_PG_JIT", "off").strip().lower()
MEDIA_ROOT = Path(_str("ECITY_MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
STATIC_ROOT = Path(_str("ECITY_STATIC_ROOT", str(DATA_DIR / "static"))).resolve()
TIME_ZONE = _str("ECITY_TIME_ZONE", "Asia/Shanghai")
SECURE_COOKIES = _bool("ECITY_SECURE_COOKIES", True)
SECURE_SSL_REDIRECT = _bool("ECITY_SSL_REDIRECT", False)
EMAIL_URL = _str("ECITY_EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = _str("ECITY_DEFAULT_FROM_EMAIL", "ecity <noreply@ecity.invalid>")
SITE_URL = _str("ECITY_SITE_URL", "http://127.0.0.1:8000")
LOG_LEVEL = _str("ECITY_LOG_LEVEL", "INFO")
CITY_NAME = _str("ECITY_CITY_NAME", "示范市")
CITY_NAME_EN = _str("ECITY_CITY_NAME_EN", "Shifan City")
BIND = _str("ECITY_BIND", "127.0.0.1:8000")
WEB_WORKERS = _int("ECITY_WEB_WORKERS", 2)
BROKER_URL = _str("ECITY_BROKER_URL", "redis://127.0.0.1:6379/0")
SMS_URL = _str("ECITY_SMS_URL", "console://")
CACHE_URL = _str("ECITY_CACHE_URL", "db://ecity_cache")
# Public case lookup (ecity.cases.selectors.public): lookups per client address and minute, and
# wrong query codes per case number within 15 minutes before that number is locked.
LOOKUP_RATE_PER_MINUTE = _int("ECITY_LOOKUP_RATE_PER_MINUTE", 10)
LOOKUP_FAILURE_LIMIT = _int("ECITY_LOOKUP_FAILURE_LIMIT", 5)
PROXY_COUNT = _int("ECITY_PROXY_COUNT", 0)
# Changing one's e-mail, phone or password needs the password (or a TOTP code) entered within
# this many seconds (ecity.identity.services.account_changes).
REAUTH_SECONDS = _int("ECITY_REAUTH_SECONDS", 5 * 60)
# Efficiency supervision (ecity.cases.selectors.supervision): the code of the department whose
# supervisors supervise every department (the government service management office). No default:
# empty means no such office; the demo city's office is "ZWB" (scripts/demo.sh sets it).
SUPERVISION_DEPARTMENT_CODE = _str("ECITY_SUPERVISION_DEPARTMENT_CODE", "")
# Service ratings (ecity.cases, 好差评): working days a department has to rectify a low rating
# and answer the rater (国办发〔2019〕51号: 15 working days).
RECTIFICATION_WORKING_DAYS = _int("ECITY_RECTIFICATION_WORKING_DAYS", 15)
# Base registries (ecity.registry, 异议): working days the authority department has to settle a
# dispute over a registry value (no national limit; 5 is common local practice for 校核).
DISPUTE_WORKING_DAYS = _int("ECITY_DISPUTE_WORKING_DAYS", 5)
# Demonstration and training cities (ecity.demo): tools that change history, such as moving an
# open case back in time (ecity.cases.services.training), work only when this is on. Off by
# default and in production; scripts/demo.sh and the development settings turn it on.
TRAINING_MODE = _bool("ECITY_TRAINING_MODE", False)
# Open cases whose deadlines are recomputed per transaction after a calendar change
# (ecity.workflow.handlers): each batch is one event delivery.
DEADLINE_RECOMPUTE_BATCH_SIZE = _int("ECITY_DEADLINE_RECOMPUTE_BATCH_SIZE", 1000)
# Files kept from a refused counter or correction form (ecity.cases.services.drafts) are offered
# again for this many hours, then deleted by the job cases.kept_files_purge.
KEPT_FILES_HOURS = _int("ECITY_KEPT_FILES_HOURS", 24)
# Events (ecity.core.events): how often the job delivers the outbox, the first retry delay
# (doubled per attempt), attempts before a delivery is dead-lettered, and whether the process
# that published an event also tries to deliver it right after commit.
EVENTS_DELIVER_EVERY_SECONDS = _int("ECITY_EVENTS_DELIVER_EVERY_SECONDS", 5)
EVENTS_RETRY_SECONDS = _int("ECITY_EVENTS_RETRY_SECONDS", 30)
EVENTS_MAX_ATTEMPTS = _int("ECITY_EVENTS_MAX_ATTEMPTS", 8)

# Data exchange: this node's instance code (a city) and the clock skew a receiver accepts.
EXCHANGE_INSTANCE = _str("ECITY_EXCHANGE_INSTANCE", "CN-DEMO")
EXCHANGE_MAX_SKEW_SECONDS = _int("ECITY_EXCHANGE_MAX_SKEW_SECONDS", 300)
EXCHANGE_LOG_RETENTION_DAYS = _int("ECITY_EXCHANGE_LOG_RETENTION_DAYS", 0)
EXCHANGE_GATEWAY_URL = _str("ECITY_EXCHANGE_GATEWAY_URL", "")
# --- H8: the signing-key vault's per-process cache of current keys (ecity.core.vault): seconds
# between checks of the current kid (a rotation elsewhere is picked up within this time; 0: check
# on every signature). The test settings default to 0 because every test has its own keys.
VAULT_KEY_CHECK_SECONDS = _int("ECITY_VAULT_KEY_CHECK_SECONDS", 5)
VAULT_KEY_CHECK_SECONDS_TEST = _int("ECITY_VAULT_KEY_CHECK_SECONDS", 0)
# --- H4: data connectors (ecity.exchange.services.connectors): how often the job
# exchange.connectors looks for connectors due by their schedule.
CONNECTORS_EVERY_SECONDS = _int("ECITY_CONNECTORS_EVERY_SECONDS", 60)
# Publish/subscribe delivery (ecity.exchange.services.delivery): first retry delay of a failed
# push (doubled per attempt), attempts before a dead letter, how long a pulled or pushed message
# waits for its acknowledgement before it is delivered again, the webhook timeout, how often the
# push job runs, and whether plain-http loopback webhooks are accepted (development and tests).
EXCHANGE_RETRY_SECONDS = _int("ECITY_EXCHANGE_RETRY_SECONDS", 30)
EXCHANGE_MAX_ATTEMPTS = _int("ECITY_EXCHANGE_MAX_ATTEMPTS", 10)
EXCHANGE_VISIBILITY_SECONDS = _int("ECITY_EXCHANGE_VISIBILITY_SECONDS", 60)
EXCHANGE_PUSH_TIMEOUT_SECONDS = _int("ECITY_EXCHANGE_PUSH_TIMEOUT_SECONDS", 10)
EXCHANGE_DELIVER_EVERY_SECONDS = _int("ECITY_EXCHANGE_DELIVER_EVERY_SECONDS", 2)
EXCHANGE_ALLOW_HTTP_LOOPBACK = _bool("ECITY_EXCHANGE_ALLOW_HTTP_LOOPBACK", False)
# Exchange gateway (H3): seconds the gateway waits for a provider before answering 504.
EXCHANGE_GATEWAY_TIMEOUT_SECONDS = _int("ECITY_EXCHANGE_GATEWAY_TIMEOUT_SECONDS", 30)
# The lean gateway (manage.py exchange_gateway) keeps each access decision (token → client,
# client + service → rights) this many seconds: a revoked right or token stops calls within it.
EXCHANGE_GATEWAY_ACCESS_CACHE_SECONDS = _floats(
    "ECITY_EXCHANGE_GATEWAY_ACCESS_CACHE_SECONDS", (2.0,), 1
)[0]
# Bearer token that /metrics requires; empty: /metrics answers loopback clients only.
METRICS_TOKEN = _str("ECITY_METRICS_TOKEN", "")
# Exchange transport (ecity.exchange.transport): "database" (embedded, no broker) or "nats"
# (NATS JetStream; the message log in the database stays the record, the broker only carries).
EXCHANGE_TRANSPORT = _str("ECITY_EXCHANGE_TRANSPORT", "database").strip().lower()
if EXCHANGE_TRANSPORT not in {"database", "nats"}:
    raise ImproperlyConfigured(
        f"ECITY_EXCHANGE_TRANSPORT must be database or nats, got {EXCHANGE_TRANSPORT!r}"
    )
NATS_URL = _str("ECITY_NATS_URL", "nats://127.0.0.1:4222")
# Subjects are <prefix>.<instance>.…; the stream defaults to <prefix>-<instance>.
NATS_SUBJECT_PREFIX = _str("ECITY_NATS_SUBJECT_PREFIX", "ecity")
NATS_STREAM = _str("ECITY_NATS_STREAM", "")
NATS_REPLICAS = _int("ECITY_NATS_REPLICAS", 1)
NATS_MAX_AGE_DAYS = _int("ECITY_NATS_MAX_AGE_DAYS", 30)
NATS_MAX_BYTES = _int("ECITY_NATS_MAX_BYTES", -1)
NATS_DUPLICATE_WINDOW_SECONDS = _int("ECITY_NATS_DUPLICATE_WINDOW_SECONDS", 600)
NATS_BATCH_SIZE = _int("ECITY_NATS_BATCH_SIZE", 200)
NATS_MAX_DELIVER = _int("ECITY_NATS_MAX_DELIVER", 8)
NATS_ACK_WAIT_SECONDS = _int("ECITY_NATS_ACK_WAIT_SECONDS", 30)


def _seconds_list(name: str, default: list[float]) -> list[float]:
    try:
        return [float(item) for item in _list(name, [str(d) for d in default])]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be comma-separated seconds") from exc


NATS_BACKOFF_SECONDS = _seconds_list("ECITY_NATS_BACKOFF_SECONDS", [10, 60, 300, 1800, 3600])
# Deliveries over NATS (H9): behind the broker worker, the database job only pushes deliveries
# overdue by this many seconds (broker or worker down, requeued dead letters, replays).
EXCHANGE_NATS_FALLBACK_SECONDS = _int("ECITY_EXCHANGE_NATS_FALLBACK_SECONDS", 60)
EVENTS_DELIVER_ON_COMMIT = _bool("ECITY_EVENTS_DELIVER_ON_COMMIT", True)
FIELD_KEYS = _str("ECITY_FIELD_KEYS")
FIELD_KEYS_FILE = _str("ECITY_FIELD_KEYS_FILE", str(DATA_DIR / "field_keys.json"))
# Signed checkpoints of the audit chain head are appended to this file, which the database
# cannot rewrite (ecity.audit.checkpoints); put it on storage the database's administrators
# cannot write. Every this many seconds the job audit.checkpoint appends one.
AUDIT_CHECKPOINT_FILE = _str(
    "ECITY_AUDIT_CHECKPOINT_FILE", str(DATA_DIR / "audit" / "checkpoints.jsonl")
)
AUDIT_CHECKPOINT_EVERY_SECONDS = _int("ECITY_AUDIT_CHECKPOINT_EVERY_SECONDS", 15 * 60)
# A process seals audit entries after a commit at most once every this many milliseconds; the
# entries of the commits in between are sealed by the next pass of any process or by the job
# audit.seal (every 5 s). 0 seals after every audited commit (tests: entries chained at once).
AUDIT_SEAL_INTERVAL_MS = _int("ECITY_AUDIT_SEAL_INTERVAL_MS", 100)
AUDIT_SEAL_INTERVAL_MS_TEST = _int("ECITY_AUDIT_SEAL_INTERVAL_MS", 0)
# OpenID Connect provider (ecity.sso): the ID-token signing key as PEM (otherwise generated into
# the database on first use) and the issuer (otherwise ECITY_SITE_URL + "/o").
OIDC_PRIVATE_KEY = _str("ECITY_OIDC_PRIVATE_KEY")
OIDC_ISSUER = _str("ECITY_OIDC_ISSUER")
# Largest JSON request body the API parses, in bytes (1 MiB).
API_MAX_JSON_BYTES = _int("ECITY_API_MAX_JSON_BYTES", 1024 * 1024)
# An API access token's system (client, department, policy) is remembered by each process for
# this many seconds: revoking a token or deactivating a system takes effect within this bound.
# 0 looks them up on every request (tests).
API_TOKEN_CACHE_SECONDS = _int("ECITY_API_TOKEN_CACHE_SECONDS", 5)
API_TOKEN_CACHE_SECONDS_TEST = _int("ECITY_API_TOKEN_CACHE_SECONDS", 0)
# The hotline intake remembers the categories and regions it found for this many seconds per
# process (deactivating a category takes effect within this bound); 0 looks up every ticket.
HOTLINE_LOOKUP_CACHE_SECONDS = _int("ECITY_HOTLINE_LOOKUP_CACHE_SECONDS", 5)
HOTLINE_LOOKUP_CACHE_SECONDS_TEST = _int("ECITY_HOTLINE_LOOKUP_CACHE_SECONDS", 0)
# API throttles per client address (anonymous) and per account, as DRF rates ("120/min").
API_RATE_ANON = _str("ECITY_API_RATE_ANON", "120/min")
API_RATE_USER = _str("ECITY_API_RATE_USER", "600/min")
# Online identity providers for real-name verification (ecity.identity.providers): dotted paths
# of provider classes, comma-separated. None by default; scripts/demo.sh enables the demo one.
IDENTITY_PROVIDERS = _list("ECITY_IDENTITY_PROVIDERS", [])
# The registries real-name verification matches against (ecity.identity.registries): by default
# the platform's own base registries; a city with an external person or legal-entity registry
# names its own ecity.identity.registries.PersonRegistry / LegalEntityRegistry subclass.
PERSON_REGISTRY = _str("ECITY_PERSON_REGISTRY", "ecity.registry.verification.PersonRecords")
LEGAL_ENTITY_REGISTRY = _str(
    "ECITY_LEGAL_ENTITY_REGISTRY", "ecity.registry.verification.LegalEntityRecords"
)

# 12345 hotline: the bounding box of a ticket's coordinates (WGS 84): "south,west,north,east".
HOTLINE_CITY_BBOX = _floats("ECITY_HOTLINE_CITY_BBOX", (29.97, 113.68, 31.37, 115.08), 4)
