"""Authentication hardening: second factor (TOTP, recovery codes), lock-out, session rules.

Modules: ``models`` (MfaDevice, RecoveryCode, LoginFailure, AccountLockout), ``totp`` (codes and
secrets), ``mfa`` (enrolment and verification services), ``lockout`` (failure counting and locks),
``flow`` (the two-step login), ``passwords`` (password validator), ``middleware`` (forced
enrolment, staff idle time-out), ``views`` and ``forms`` (the pages under /accounts/mfa/).
"""
