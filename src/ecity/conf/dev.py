"""Local development: debug pages on, e-mails printed to the console."""

from ecity.conf.base import *  # noqa: F403

DEBUG = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
