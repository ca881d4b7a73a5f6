"""Account changes (issue 8): re-authentication, confirmed e-mail and phone changes, notices.

Services are called with a plain dict as the session; messages are read from the notify outbox
as the delivery job would send them.
"""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ecity.audit.models import AuditEntry
from ecity.core.errors import ValidationFailed
from ecity.identity import selectors, services
from ecity.identity.errors import (
    ConfirmationInvalid,
    NoPendingChange,
    ReauthenticationRequired,
    TooManyAttempts,
)
from ecity.identity.models import ContactChange
from ecity.identity.security import reauth
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.factories import UserFactory
from ecity.identity.tests.test_mfa import current_code, enrol
from ecity.notify.models import Channel, Notification

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.address@example.org"
NEW_PHONE = "13700000123"


def messages_to(address: str, event: str | None = None) -> list[Notification]:
    rows = [n for n in Notification.objects.order_by("id") if n.to_address == address]
    return [n for n in rows if event is None or n.event == event]


def confirm_token(address: str) -> str:
    (message,) = messages_to(address, "email_change_confirm")
    return re.search(r"/accounts/profile/email/confirm/([^/\s]+)/", message.body).group(1)


def sms_code(phone: str) -> str:
    (message,) = messages_to(phone, "phone_change_code")
    return re.search(r"(?<!\d)(\d{6})(?!\d)", message.body).group(1)


def audit_actions(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(subject=user).order_by("id").values_list("action", flat=True)
    )


# --- re-authentication --------------------------------------------------------------------------


def test_a_session_without_a_recent_password_is_asked_for_it(citizen):
    with pytest.raises(ReauthenticationRequired) as caught:
        services.email_change_request(user=citizen, session={}, email=NEW_EMAIL)

    assert caught.value.status_code == 403
    assert caught.value.code == "reauthentication_required"
    assert list(caught.value.fields) == ["current_password"]
    assert not ContactChange.objects.exists()


def test_the_password_counts_for_the_configured_minutes_only(settings):
    session: dict = {}
    reauth.reauth_mark(session, now=1_000_000)

    settings.ECITY_REAUTH_SECONDS = 300
    assert reauth.reauth_is_recent(session, now=1_000_000 + 299) is True
    assert reauth.reauth_is_recent(session, now=1_000_000 + 301) is False
    settings.ECITY_REAUTH_SECONDS = 60
    assert reauth.reauth_is_recent(session, now=1_000_000 + 61) is False
    assert reauth.reauth_is_recent({}, now=1_000_000) is False


def test_a_recent_reauthentication_lets_the_change_through_without_the_password(citizen):
    session: dict = {}
    reauth.reauth_mark(session)

    change = services.email_change_request(user=citizen, session=session, email=NEW_EMAIL)

    assert change is not None and change.new_value == NEW_EMAIL


def test_a_wrong_password_is_refused_audited_and_limited_per_account(citizen, settings):
    settings.ECITY_RATE_LIMITS = {**settings.ECITY_RATE_LIMITS, "reauth": (3, 900)}
    session: dict = {}

    for _ in range(3):
        with pytest.raises(ValidationFailed) as wrong:
            services.email_change_request(
                user=citizen, session=session, email=NEW_EMAIL, current_password="guess-Guess-1"
            )
        assert list(wrong.value.fields) == ["current_password"]
    # Then even the right password is refused until the window ends
    with pytest.raises(TooManyAttempts) as limited:
        services.email_change_request(
            user=citizen, session=session, email=NEW_EMAIL, current_password=PASSWORD
        )

    assert limited.value.status_code == 429
    assert audit_actions(citizen).count("auth.reauth_failed") == 3
    assert reauth.REAUTH_AT_KEY not in session
    assert not ContactChange.objects.exists()


def test_an_account_with_an_authenticator_may_confirm_with_a_fresh_code(citizen):
    device, recovery_codes = enrol(citizen)
    session: dict = {}

    with pytest.raises(ValidationFailed) as recovery:
        reauth.reauth_require(user=citizen, session=session, code=recovery_codes[0])
    reauth.reauth_require(user=citizen, session=session, code=current_code(device.secret))

    assert list(recovery.value.fields) == ["code"]
    assert reauth.reauth_is_recent(session)
    assert "auth.reauthenticated" in audit_actions(citizen)


# --- e-mail address -----------------------------------------------------------------------------


def test_a_new_email_is_pending_and_the_link_goes_to_the_new_address_only(citizen):
    old_email, old_phone = citizen.email, citizen.phone

    change = services.email_change_request(
        user=citizen, session={}, email="  New.Address@Example.org ", current_password=PASSWORD
    )

    citizen.refresh_from_db()
    assert citizen.email == old_email
    assert change.new_value == NEW_EMAIL
    assert selectors.contact_changes_pending(user=citizen) == {"email": change}
    # The link goes by e-mail to the new address, nowhere else (not in-app, not by SMS)
    confirm = Notification.objects.filter(event="email_change_confirm")
    assert [(n.channel, n.to_address) for n in confirm] == [(Channel.EMAIL, NEW_EMAIL)]
    # The old address and the old phone are told, with the new address masked
    told = Notification.objects.filter(event="contact_change_requested").order_by("channel")
    assert sorted((n.channel, n.to_address) for n in told) == [
        (Channel.EMAIL, old_email),
        (Channel.SMS, old_phone),
    ]
    email_notice, sms_notice = told
    assert "n***@example.org" in email_notice.body
    assert "12345" in sms_notice.body
    assert NEW_EMAIL not in " ".join(n.body for n in told)
    assert audit_actions(citizen)[-1] == "account.email_change_requested"


def test_the_link_changes_the_address_once_and_tells_the_old_address(citizen):
    old_email = citizen.email
    services.email_change_request(
        user=citizen, session={}, email=NEW_EMAIL, current_password=PASSWORD
    )
    token = confirm_token(NEW_EMAIL)

    services.email_change_confirm(token=token)
    with pytest.raises(ConfirmationInvalid):
        services.email_change_confirm(token=token)

    citizen.refresh_from_db()
    assert citizen.email == NEW_EMAIL
    assert selectors.contact_changes_pending(user=citizen) == {}
    (notice,) = messages_to(old_email, "contact_changed")
    assert "n***@example.org" in notice.body
    # The old address no longer receives resets: the notice sends its reader to 12345 instead
    assert "/password/reset/" not in notice.body
    assert "12345" in notice.body
    assert "account.email_changed" in audit_actions(citizen)


def test_an_expired_link_is_refused(citizen):
    services.email_change_request(
        user=citizen, session={}, email=NEW_EMAIL, current_password=PASSWORD
    )
    ContactChange.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))

    with pytest.raises(ConfirmationInvalid):
        services.email_change_confirm(token=confirm_token(NEW_EMAIL))

    citizen.refresh_from_db()
    assert citizen.email != NEW_EMAIL


def test_a_new_request_makes_the_earlier_link_useless(citizen):
    services.email_change_request(
        user=citizen, session={}, email=NEW_EMAIL, current_password=PASSWORD
    )
    first = confirm_token(NEW_EMAIL)
    services.email_change_request(
        user=citizen, session={}, email="second@example.org", current_password=PASSWORD
    )

    with pytest.raises(ConfirmationInvalid):
        services.email_change_confirm(token=first)
    services.email_change_confirm(token=confirm_token("second@example.org"))

    citizen.refresh_from_db()
    assert citizen.email == "second@example.org"


def test_a_token_is_bound_to_the_pending_address(citizen):
    change = services.email_change_request(
        user=citizen, session={}, email=NEW_EMAIL, current_password=PASSWORD
    )
    # A validly signed token for the same change but another address (as a leaked signing key
    # or a mix-up would give) does not confirm it; nor does a token with a broken signature.
    other = signing.dumps(
        {"c": str(change.public_id), "a": "0" * 32}, salt="ecity.identity.email_change"
    )

    for token in (other, confirm_token(NEW_EMAIL)[:-2] + "xx", "nonsense"):
        with pytest.raises(ConfirmationInvalid):
            services.email_change_confirm(token=token)

    citizen.refresh_from_db()
    assert citizen.email != NEW_EMAIL


def test_an_address_taken_meanwhile_is_refused_on_confirmation(citizen):
    services.email_change_request(
        user=citizen, session={}, email=NEW_EMAIL, current_password=PASSWORD
    )
    UserFactory(email=NEW_EMAIL)

    with pytest.raises(ValidationFailed) as caught:
        services.email_change_confirm(token=confirm_token(NEW_EMAIL))

    citizen.refresh_from_db()
    assert list(caught.value.fields) == ["email"]
    assert citizen.email != NEW_EMAIL
    assert ContactChange.objects.get().status == ContactChange.Status.CANCELLED


def test_the_same_or_a_masked_address_starts_no_change(citizen):
    same = services.email_change_request(
        user=citizen, session={}, email=citizen.email.upper(), current_password=PASSWORD
    )
    with pytest.raises(ValidationFailed) as masked:
        services.email_change_request(
            user=citizen, session={}, email="x***@elsewhere.cn", current_password=PASSWORD
        )

    assert same is None
    assert list(masked.value.fields) == ["email"]
    assert not ContactChange.objects.exists()
    assert not Notification.objects.exists()


def test_requests_are_limited_per_account(citizen, settings):
    settings.ECITY_RATE_LIMITS = {**settings.ECITY_RATE_LIMITS, "contact_change": (2, 3600)}

    for n in range(2):
        services.email_change_request(
            user=citizen, session={}, email=f"n{n}@example.org", current_password=PASSWORD
        )
    with pytest.raises(TooManyAttempts):
        services.email_change_request(
            user=citizen, session={}, email="n3@example.org", current_password=PASSWORD
        )

    assert messages_to("n3@example.org") == []


# --- phone number -------------------------------------------------------------------------------


def test_a_new_phone_counts_after_the_code_sent_to_it_and_logs_in(citizen):
    old_phone = citizen.phone

    services.phone_change_request(
        user=citizen, session={}, phone=NEW_PHONE, current_password=PASSWORD
    )
    citizen.refresh_from_db()
    pending_phone = citizen.phone
    services.phone_change_confirm(user=citizen, code=sms_code(NEW_PHONE))

    citizen.refresh_from_db()
    assert pending_phone == old_phone
    assert citizen.phone == NEW_PHONE
    # The code went by SMS to the new number only; the old number and the e-mail were told
    assert [n.channel for n in messages_to(NEW_PHONE)] == [Channel.SMS]
    assert {n.event for n in messages_to(old_phone)} == {
        "contact_change_requested",
        "contact_changed",
    }
    assert {n.event for n in messages_to(citizen.email)} == {
        "contact_change_requested",
        "contact_changed",
    }
    # The new number is a login name (its blind index was saved with it), the old one is not
    assert list(selectors.users_with_phone(NEW_PHONE)) == [citizen]
    assert not selectors.users_with_phone(old_phone).exists()
    assert Client().login(username=NEW_PHONE, password=PASSWORD)
    assert audit_actions(citizen)[-1] == "account.phone_changed"


def test_only_a_keyed_hash_of_the_code_is_stored(citizen):
    change = services.phone_change_request(
        user=citizen, session={}, phone=NEW_PHONE, current_password=PASSWORD
    )

    assert sms_code(NEW_PHONE) not in change.code_hash
    assert len(change.code_hash) == 64


def test_five_wrong_codes_cancel_the_change(citizen):
    services.phone_change_request(
        user=citizen, session={}, phone=NEW_PHONE, current_password=PASSWORD
    )
    right = sms_code(NEW_PHONE)
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    for _ in range(5):
        with pytest.raises(ConfirmationInvalid) as caught:
            services.phone_change_confirm(user=citizen, code=wrong)
        assert list(caught.value.fields) == ["code"]
    with pytest.raises((NoPendingChange, TooManyAttempts)):
        services.phone_change_confirm(user=citizen, code=right)

    citizen.refresh_from_db()
    assert citizen.phone != NEW_PHONE
    assert ContactChange.objects.get().status == ContactChange.Status.CANCELLED


def test_wrong_codes_are_limited_across_new_codes(citizen, settings):
    # Asking for a new code does not give a new budget of guesses.
    settings.ECITY_RATE_LIMITS = {**settings.ECITY_RATE_LIMITS, "phone_code": (3, 900)}
    services.phone_change_request(
        user=citizen, session={}, phone=NEW_PHONE, current_password=PASSWORD
    )
    for _ in range(3):
        with pytest.raises(ConfirmationInvalid):
            services.phone_change_confirm(user=citizen, code="000000x")
    Notification.objects.all().delete()
    services.phone_change_request(
        user=citizen, session={}, phone=NEW_PHONE, current_password=PASSWORD
    )

    with pytest.raises(TooManyAttempts):
        services.phone_change_confirm(user=citizen, code=sms_code(NEW_PHONE))

    citizen.refresh_from_db()
    assert citizen.phone != NEW_PHONE


def test_an_expired_code_is_refused(citizen):
    services.phone_change_request(
        user=citizen, session={}, phone=NEW_PHONE, current_password=PASSWORD
    )
    ContactChange.objects.update(expires_at=timezone.now() - timezone.timedelta(seconds=1))

    with pytest.raises(NoPendingChange):
        services.phone_change_confirm(user=citizen, code=sms_code(NEW_PHONE))

    citizen.refresh_from_db()
    assert citizen.phone != NEW_PHONE


def test_a_pending_change_can_be_cancelled(citizen):
    services.phone_change_request(
        user=citizen, session={}, phone=NEW_PHONE, current_password=PASSWORD
    )

    services.contact_change_cancel(user=citizen, kind="phone")

    with pytest.raises(NoPendingChange):
        services.phone_change_confirm(user=citizen, code=sms_code(NEW_PHONE))
    assert "account.contact_change_cancelled" in audit_actions(citizen)


# --- password -----------------------------------------------------------------------------------


def test_a_password_change_needs_the_current_password_every_time(citizen):
    session: dict = {}
    reauth.reauth_mark(session)  # even right after a re-authentication

    with pytest.raises(ValidationFailed) as missing:
        services.password_change(
            user=citizen, session=session, current_password="", new_password="new-Long-phrase-1"
        )
    with pytest.raises(ValidationFailed) as wrong:
        services.password_change(
            user=citizen,
            session=session,
            current_password="guess-Guess-1",
            new_password="new-Long-phrase-1",
        )
    with pytest.raises(ValidationFailed) as weak:
        services.password_change(
            user=citizen, session=session, current_password=PASSWORD, new_password="short"
        )

    citizen.refresh_from_db()
    assert list(missing.value.fields) == ["current_password"]
    assert list(wrong.value.fields) == ["current_password"]
    assert list(weak.value.fields) == ["new_password"]
    assert citizen.check_password(PASSWORD)


def test_a_password_change_cancels_pending_changes_and_tells_email_and_phone(citizen):
    services.email_change_request(
        user=citizen, session={}, email=NEW_EMAIL, current_password=PASSWORD
    )
    token = confirm_token(NEW_EMAIL)

    services.password_change(
        user=citizen, session={}, current_password=PASSWORD, new_password="new-Long-phrase-1"
    )

    citizen.refresh_from_db()
    assert citizen.check_password("new-Long-phrase-1")
    with pytest.raises(ConfirmationInvalid):
        services.email_change_confirm(token=token)
    told = Notification.objects.filter(event="password_changed")
    assert sorted(n.to_address for n in told) == sorted([citizen.email, citizen.phone])
    assert "account.password_changed" in audit_actions(citizen)


def test_a_password_reset_kills_the_attackers_pending_address(citizen):
    # Given an attacker who knew the password and asked for his own address
    services.email_change_request(
        user=citizen, session={}, email="attacker@evil.example", current_password=PASSWORD
    )
    token = confirm_token("attacker@evil.example")

    # When the holder, warned at the old address, resets the password
    services.password_reset_complete(user=citizen, new_password="holder-New-phrase-2")

    # Then the attacker's link no longer works and the holder keeps the address
    with pytest.raises(ConfirmationInvalid):
        services.email_change_confirm(token=token)
    citizen.refresh_from_db()
    assert citizen.email == "citizen@example.cn"
    assert "account.password_reset" in audit_actions(citizen)


def test_notices_to_the_old_contacts_are_in_the_holders_language(citizen):
    citizen.preferred_language = "zh-hans"
    citizen.save(update_fields=["preferred_language"])

    services.email_change_request(
        user=citizen, session={}, email=NEW_EMAIL, current_password=PASSWORD
    )

    (notice,) = messages_to(citizen.email, "contact_change_requested")
    (confirm,) = messages_to(NEW_EMAIL, "email_change_confirm")
    assert "电子邮箱" in notice.subject
    assert "如果不是您本人" in notice.body
    assert reverse("identity:password_reset") in notice.body
    assert "12345" in notice.body
    assert "确认" in confirm.subject


def test_the_login_marks_the_session_as_reauthenticated(client, citizen):
    before = time.time()

    client.post(reverse("identity:login"), {"username": "citizen", "password": PASSWORD})

    assert client.session[reauth.REAUTH_AT_KEY] >= int(before)
    assert reauth.reauth_is_recent(client.session)
