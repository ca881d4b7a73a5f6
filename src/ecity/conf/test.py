"""Test settings: fast password hashing, in-memory e-mail, plain static storage."""

from ecity.conf.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    # Encrypted like production, in memory.
    "default": {"BACKEND": "ecity.core.storage.EncryptedInMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the apps (no collectstatic before tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A fixed, test-only keyring for field encryption (production keys come from the environment or
# the data directory, never from the repository).
ECITY_FIELD_KEYS = (
    '{"active": "k1", "keys": {"k1": "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDE="},'
    ' "index_key": "dGVzdC1vbmx5LWluZGV4LWtleS0wMDAwMDAwMDAwMDE="}'
)

# A test-only app: a second subject type with a process, work items and a clock (workflow tests).
INSTALLED_APPS = [*INSTALLED_APPS, "ecity.workflow.tests.errands"]
# A test-only receiver inbox (exchange transport tests and benchmarks/exchange_scale.py).
INSTALLED_APPS += ["ecity.exchange.tests.inbox_probe"]

# The demo identity provider (it verifies whoever confirms on its page): tests of the online
# verification flow. Never in production settings.
ECITY_IDENTITY_PROVIDERS = ["ecity.identity.providers.demo.DemoProvider"]
# Tests load the demo city (its cases are moved back in time); tests of the switch turn it off.
ECITY_TRAINING_MODE = True

# Exchange tests push to a real local webhook server on http://127.0.0.1.
ECITY_EXCHANGE_ALLOW_HTTP_LOOPBACK = True

# Every test has its own signing keys: the vault re-checks its cached current key on every use.
ECITY_VAULT_KEY_CHECK_SECONDS = env.VAULT_KEY_CHECK_SECONDS_TEST
# Audit entries are sealed after every commit and token look-ups are not remembered, so tests
# see the effect at once (tests of the production bounds set them themselves).
ECITY_AUDIT_SEAL_INTERVAL_MS = env.AUDIT_SEAL_INTERVAL_MS_TEST
ECITY_API_TOKEN_CACHE_SECONDS = env.API_TOKEN_CACHE_SECONDS_TEST
ECITY_HOTLINE_LOOKUP_CACHE_SECONDS = env.HOTLINE_LOOKUP_CACHE_SECONDS_TEST
