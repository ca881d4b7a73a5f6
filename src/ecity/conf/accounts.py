"""Settings of signing in, accounts and real-name levels, imported by ``base``.

Authentication hardening (``ecity.identity.security``), second factors, staff sessions,
re-authentication for account changes, and the real-name levels with the identity providers and
registries that verification uses. Documented in docs/security.md.
"""

from __future__ import annotations

from ecity.conf import env

# Reverse proxies in front of the web processes that append X-Forwarded-For (0: use REMOTE_ADDR).
ECITY_PROXY_COUNT = env.PROXY_COUNT
# Per account: this many consecutive failures (password or second factor) lock the account for
# ECITY_LOCKOUT_BASE_SECONDS; each further lock doubles the time, up to ECITY_LOCKOUT_MAX_SECONDS.
# A successful login resets both the failure count and the doubling.
ECITY_LOCKOUT_THRESHOLD = 5
ECITY_LOCKOUT_BASE_SECONDS = 15 * 60
ECITY_LOCKOUT_MAX_SECONDS = 24 * 60 * 60
# Per address: this many failures within the window block further attempts for the block time.
ECITY_IP_FAILURE_LIMIT = 20
ECITY_IP_FAILURE_WINDOW_SECONDS = 10 * 60
ECITY_IP_BLOCK_SECONDS = 10 * 60
# Requests per address and window (seconds) on public forms: (limit, window).
ECITY_RATELIMIT_ENABLED = True
ECITY_RATE_LIMITS = {
    "login": (30, 60),
    "mfa_verify": (20, 60),
    "password_reset": (10, 60 * 60),
    "register": (10, 60 * 60),
    # Per account: wrong passwords or codes when re-authenticating for an account change …
    "reauth": (5, 15 * 60),
    # … requests to change the e-mail address or phone number (each sends a message) …
    "contact_change": (5, 60 * 60),
    # … and wrong SMS codes for a new phone number.
    "phone_code": (5, 15 * 60),
}
# Second factor: TOTP (RFC 6238, 30 s, 6 digits, SHA-1) mandatory for these staff roles.
# (Auditors read everyone's audit trail, so they are included too.)
ECITY_MFA_REQUIRED_ROLES = (
    "approver",
    "department_admin",
    "supervisor",
    "platform_admin",
    "auditor",
)
ECITY_MFA_ISSUER = env.CITY_NAME + " ecity"
# Seconds between the password step and the second factor (or forced enrolment).
ECITY_MFA_PENDING_SECONDS = 5 * 60
ECITY_MFA_ENROL_PENDING_SECONDS = 15 * 60
# Staff sessions end after this much inactivity and at most this long after login, and their
# cookie ends with the browser. Citizens keep SESSION_COOKIE_AGE (8 hours).
ECITY_STAFF_IDLE_SECONDS = 30 * 60
ECITY_STAFF_SESSION_MAX_SECONDS = 10 * 60 * 60
# Account changes (ecity.identity.services.account_changes, docs/security.md "Account changes"):
# changing the e-mail address, phone number or password needs the password (or, with a second
# factor, a TOTP code) entered within ECITY_REAUTH_SECONDS in this session; the link that
# confirms a new e-mail address and the SMS code for a new phone number expire after these times.
ECITY_REAUTH_SECONDS = env.REAUTH_SECONDS
ECITY_EMAIL_CHANGE_LINK_SECONDS = 24 * 60 * 60
ECITY_PHONE_CHANGE_CODE_SECONDS = 10 * 60
# Real-name levels (ecity.identity.selectors, docs/security.md "Real-name levels"): the level an
# account needs (1 registered, 2 real-name verified, 3 verified in person) to file an
# application, to act for an enterprise, and to see its own case data unmasked.
ECITY_IDENTITY_LEVELS_REQUIRED = {"apply": 2, "act_for_enterprise": 2, "case_data": 2}
# Online identity providers (ecity.identity.providers.IdentityProvider subclasses, dotted paths).
ECITY_IDENTITY_PROVIDERS = env.IDENTITY_PROVIDERS
# The registries verification matches against (ecity.identity.registries): the base registries'
# records (ecity.registry.verification) unless the environment names other classes.
ECITY_PERSON_REGISTRY = env.PERSON_REGISTRY
ECITY_LEGAL_ENTITY_REGISTRY = env.LEGAL_ENTITY_REGISTRY
