"""Login throttling and lock-out, rate limits on public forms, password policy, staff sessions."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.identity import services
from ecity.identity.models import AccountLockout, LoginFailure
from ecity.identity.security import flow, lockout
from ecity.identity.security.admin import AccountLockoutAdmin
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory, id_number_for
from ecity.identity.tests.test_mfa import current_code, enrol
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1A"
GENERIC = "The login name or password is incorrect. Check both and try again."


def en(url_name: str) -> str:
    with translation.override("en"):
        return reverse(url_name)


def attempt(client, username: str, password: str, ip: str = "198.51.100.7"):
    return client.post(
        en("identity:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- per account ----------------------------------------------------------------------------


def test_five_failures_lock_the_account_even_against_the_right_password(client, citizen):
    for _ in range(4):
        response = attempt(client, "citizen", WRONG)
        assert GENERIC in response.content.decode()
    fifth = attempt(client, "citizen", WRONG)
    state = AccountLockout.objects.get(user=citizen)
    assert state.locked_until is not None
    assert timedelta(minutes=14) < state.locked_until - timezone.now() <= timedelta(minutes=15)
    unlock_time = lockout.format_until(state.locked_until)
    assert "This account is temporarily locked" in fifth.content.decode()
    assert unlock_time in fifth.content.decode()

    # Then: the right password does not help while the lock lasts.
    right = attempt(client, "citizen", PASSWORD)
    assert right.status_code == 200
    assert "_auth_user_id" not in client.session
    assert f"Try again after {unlock_time}" in right.content.decode()

    # And the lock was audited once, naming the account.
    locks = AuditEntry.objects.filter(action="auth.locked", subject=citizen)
    assert locks.count() == 1
    assert locks.get().data["failures"] == 5


def test_account_unlocks_after_the_lock_period(client, citizen):
    for _ in range(5):
        attempt(client, "citizen", WRONG)
    # Time passes: move the lock into the past.
    AccountLockout.objects.filter(user=citizen).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    response = attempt(client, "citizen", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)
    state = AccountLockout.objects.get(user=citizen)
    assert (state.failed_count, state.lock_count, state.locked_until) == (0, 0, None)


def test_successful_login_resets_the_failure_count(client, citizen):
    for _ in range(4):
        attempt(client, "citizen", WRONG)
    assert attempt(client, "citizen", PASSWORD).status_code == 302
    client.post(reverse("identity:logout"))
    assert AccountLockout.objects.get(user=citizen).failed_count == 0
    attempt(client, "citizen", WRONG)
    assert AccountLockout.objects.get(user=citizen).locked_until is None


def test_lock_time_doubles_on_repeat_up_to_a_day(citizen):
    now = timezone.now()
    durations = []
    for _ in range(9):
        for _ in range(5):
            until = lockout.login_failure_record(user=citizen, ip="192.0.2.1", now=now)
        durations.append(round((until - now).total_seconds() / 60))
        now = until  # the next round starts once the lock ended
    assert durations == [15, 30, 60, 120, 240, 480, 960, 1440, 1440]


def test_unknown_login_name_gets_the_generic_message_and_counts_per_address_only(client):
    response = attempt(client, "nobody-here", WRONG)
    assert response.status_code == 200
    assert GENERIC in response.content.decode()
    failure = LoginFailure.objects.get()
    assert (failure.user, failure.ip_address) == (None, "198.51.100.7")
    assert not AccountLockout.objects.exists()


def test_lock_out_answers_the_same_for_existing_and_unknown_login_names(client, citizen):
    # Given five wrong passwords for an existing and for a non-existent login name
    # (from different addresses, so neither address gets blocked)
    for _ in range(5):
        attempt(client, "citizen", WRONG, ip="198.51.100.7")
        attempt(client, "nobody-here", WRONG, ip="198.51.100.8")

    # When each name is tried again, even with the existing account's right password
    existing = attempt(client, "citizen", PASSWORD, ip="198.51.100.7")
    unknown = attempt(client, "nobody-here", PASSWORD, ip="198.51.100.8")

    # Then both get the same status and the same text: the page does not tell which exists
    assert "_auth_user_id" not in client.session
    assert existing.status_code == unknown.status_code == 200
    errors = [list(r.context["form"].non_field_errors()) for r in (existing, unknown)]
    assert "This account is temporarily locked" in errors[1][0]
    assert errors[0] == errors[1]


def test_platform_admin_unlocks_in_the_admin_and_it_is_audited(client, citizen, platform_admin):
    for _ in range(5):
        attempt(client, "citizen", WRONG)
    request = RequestFactory().post("/admin/identity/accountlockout/")
    request.user = platform_admin
    request.session = {}
    request._messages = _Messages()
    admin = AccountLockoutAdmin(AccountLockout, site)

    admin.unlock_selected(request, AccountLockout.objects.filter(user=citizen))

    assert AccountLockout.objects.get(user=citizen).locked_until is None
    entry = AuditEntry.objects.get(action="auth.unlocked")
    assert (entry.actor, entry.subject) == (platform_admin, citizen)
    assert attempt(client, "citizen", PASSWORD).status_code == 302


def test_only_platform_admins_may_unlock(citizen, department_admin):
    from ecity.core.errors import PermissionDenied

    for _ in range(5):
        lockout.login_failure_record(user=citizen, ip="192.0.2.1")
    with pytest.raises(PermissionDenied):
        lockout.account_unlock(actor=department_admin, user=citizen)


def test_lockout_admin_lists_for_superusers_only(client, citizen):
    for _ in range(5):
        lockout.login_failure_record(user=citizen, ip="192.0.2.1")
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(boss)
    page = client.get("/admin/identity/accountlockout/")
    assert page.status_code == 200
    assert "unlock_selected" in page.content.decode()
    client.force_login(UserFactory(username="staffer", is_staff=True))
    assert client.get("/admin/identity/accountlockout/").status_code == 403


class _Messages:
    def __init__(self):
        self.messages = []

    def add(self, level, message, extra_tags=""):
        self.messages.append(str(message))


# --- per address ----------------------------------------------------------------------------


def test_twenty_failures_from_one_address_block_it_for_ten_minutes(client, settings):
    for n in range(20):
        attempt(client, f"ghost{n}", WRONG, ip="203.0.113.9")
    blocked = attempt(client, "ghost-next", WRONG, ip="203.0.113.9")
    page = blocked.content.decode()
    assert "Too many failed login attempts came from your network" in page
    assert LoginFailure.objects.filter(ip_address="203.0.113.9").count() == 20  # not counted again
    assert AuditEntry.objects.filter(action="auth.locked", data__scope="address").count() == 1
    # Another address is not affected.
    assert GENERIC in attempt(client, "ghost-next", WRONG, ip="203.0.113.10").content.decode()

    # Ten minutes after the latest failure the address may try again.
    LoginFailure.objects.filter(ip_address="203.0.113.9").update(
        occurred_at=timezone.now() - timedelta(minutes=10, seconds=1)
    )
    assert GENERIC in attempt(client, "ghost-next", WRONG, ip="203.0.113.9").content.decode()


def test_address_behind_trusted_proxy_comes_from_x_forwarded_for(client, settings):
    settings.ECITY_PROXY_COUNT = 1
    client.post(
        en("identity:login"),
        {"username": "nobody", "password": WRONG},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.55",
    )
    assert LoginFailure.objects.get().ip_address == "192.0.2.55"


def test_failures_older_than_a_day_are_pruned(citizen):
    lockout.login_failure_record(
        user=citizen, ip="192.0.2.1", now=timezone.now() - timedelta(days=2)
    )
    lockout.login_failure_record(user=citizen, ip="192.0.2.1")
    assert lockout.login_failures_prune() == 1
    assert LoginFailure.objects.count() == 1


# --- rate limits on public forms ------------------------------------------------------------


def test_login_posts_beyond_the_rate_limit_get_429(client, settings):
    settings.ECITY_RATE_LIMITS = {**settings.ECITY_RATE_LIMITS, "login": (3, 60)}
    for _ in range(3):
        assert attempt(client, "someone", WRONG, ip="192.0.2.200").status_code == 200
    response = attempt(client, "someone", WRONG, ip="192.0.2.200")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many requests" in response.content.decode()
    # Reading the login page is not limited.
    assert client.get(en("identity:login"), REMOTE_ADDR="192.0.2.200").status_code == 200


def test_password_reset_and_registration_posts_are_rate_limited(client, settings, api_client):
    settings.ECITY_RATE_LIMITS = {
        **settings.ECITY_RATE_LIMITS,
        "password_reset": (1, 3600),
        "register": (1, 3600),
    }
    reset = reverse("identity:password_reset")
    assert (
        client.post(reset, {"email": "a@example.cn"}, REMOTE_ADDR="192.0.2.201").status_code == 302
    )
    assert (
        client.post(reset, {"email": "a@example.cn"}, REMOTE_ADDR="192.0.2.201").status_code == 429
    )

    register = reverse("identity:register")
    assert client.post(register, {}, REMOTE_ADDR="192.0.2.202").status_code == 200
    assert client.post(register, {}, REMOTE_ADDR="192.0.2.202").status_code == 429
    # The API shares the registration budget and answers with the envelope.
    api = api_client.post(
        "/api/v1/identity/registrations/?lang=en", {}, format="json", REMOTE_ADDR="192.0.2.202"
    )
    assert api.status_code == 429
    assert api.json()["code"] == "throttled"
    assert "Retry-After" in api


# --- password policy ------------------------------------------------------------------------


def test_password_policy_messages_are_in_chinese():
    from ecity.core.errors import ValidationFailed

    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        services.citizen_register(
            username="lisi2",
            password="onlylowercase",
            real_name="李四",
            id_number=id_number_for(777),
            phone="13900000777",
            email="lisi2@example.cn",
        )
    messages = caught.value.fields["password"]
    assert any("密码必须至少包含" in m for m in messages), messages

    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as short:
        services.citizen_register(
            username="lisi3",
            password="Ab1!",
            real_name="李四",
            id_number=id_number_for(778),
            phone="13900000778",
            email="lisi3@example.cn",
        )
    assert any("密码长度太短" in m for m in short.value.fields["password"])


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("alllowercaseletters", False),
        ("lowercase-and-symbols", False),
        ("Lower-Upper-Symbols", True),
        ("lowerUPPER2025", True),
        ("数字和字母abc123", True),
    ],
)
def test_password_needs_three_character_classes(password, ok):
    from django.core.exceptions import ValidationError

    from ecity.identity.security.passwords import CharacterClassValidator

    validator = CharacterClassValidator()
    if ok:
        validator.validate(password)
    else:
        with pytest.raises(ValidationError):
            validator.validate(password)


# --- staff sessions -------------------------------------------------------------------------


@pytest.fixture
def clerk(db, department):
    user = UserFactory(username="clerk1")
    StaffRoleFactory(user=user, department=department, role=StaffRole.Role.COUNTER_CLERK)
    # A counter clerk sees personal data unmasked: they log in with a second factor.
    user.mfa_secret = enrol(user)[0].secret
    return user


def staff_login(client, user):
    """Log ``user`` in through the password and the code step."""
    attempt(client, user.username, PASSWORD)
    return client.post(reverse("identity:login_verify"), {"code": current_code(user.mfa_secret)})


def test_staff_session_ends_after_thirty_idle_minutes(client, clerk):
    assert staff_login(client, clerk).status_code == 302
    session = client.session
    assert session[flow.IDLE_LIMIT_KEY] == 30 * 60
    assert session.get_expire_at_browser_close()
    assert client.get(reverse("identity:profile")).status_code == 200

    session[flow.LAST_SEEN_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(en("identity:profile"), follow=True)

    assert response.redirect_chain[0][1] == 302
    assert "_auth_user_id" not in client.session
    assert "You were logged out after 30 minutes without activity." in response.content.decode()


def test_active_staff_session_stays(client, clerk):
    staff_login(client, clerk)
    session = client.session
    session[flow.LAST_SEEN_KEY] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("identity:profile")).status_code == 200
    assert client.session[flow.LAST_SEEN_KEY] >= int(time.time()) - 5  # refreshed


def test_citizen_session_has_no_idle_limit_and_lasts_eight_hours(client, citizen):
    response = attempt(client, "citizen", PASSWORD)
    assert response.status_code == 302  # signed in
    session = client.session
    assert flow.IDLE_LIMIT_KEY not in session
    assert not session.get_expire_at_browser_close()
    assert session.get_expiry_age() == 8 * 60 * 60
