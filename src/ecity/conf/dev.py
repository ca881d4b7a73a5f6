"""Local development: debug pages on, e-mails printed to the console."""

from ecity.conf.base import *  # noqa: F403

DEBUG = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The demo identity provider (it verifies whoever confirms on its page), for trying the online
# real-name verification locally.
ECITY_IDENTITY_PROVIDERS = env.IDENTITY_PROVIDERS or ["ecity.identity.providers.demo.DemoProvider"]
# Development runs the demo city, whose due-soon and overdue cases are moved back in time.
ECITY_TRAINING_MODE = True

# Local webhook receivers on http://127.0.0.1 (exchange push subscriptions).
ECITY_EXCHANGE_ALLOW_HTTP_LOOPBACK = True
