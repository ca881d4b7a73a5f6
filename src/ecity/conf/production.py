"""Production: no debug, a real secret key, secure cookies, HSTS. Refuses to start otherwise."""

from django.core.exceptions import ImproperlyConfigured

from ecity.conf import env
from ecity.conf.base import *  # noqa: F403

if env.DEBUG:
    raise ImproperlyConfigured(
        "ECITY_DEBUG must not be on in production settings: it leaks internals."
    )
if not env.SECRET_KEY or len(env.SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 32 characters in production."
    )

DEBUG = False
SECRET_KEY = env.SECRET_KEY
SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = env.SECURE_COOKIES
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if env.SECURE_COOKIES:
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
