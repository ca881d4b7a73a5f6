"""Second factor: TOTP codes, enrolment, the login's code step, recovery codes, staff duty."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import ValidationFailed
from ecity.identity.models import AccountLockout, LoginFailure, MfaDevice, RecoveryCode
from ecity.identity.security import flow, mfa, totp
from ecity.identity.tests.conftest import PASSWORD
from ecity.identity.tests.factories import StaffRoleFactory, UserFactory
from ecity.org.models import StaffRole

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def en(url_name: str) -> str:
    """The English page's address (checks read English text; zh-Hans is the default)."""
    with translation.override("en"):
        return reverse(url_name)


def current_code(secret: str, offset: int = 0) -> str:
    return totp.code_for_step(secret, totp.time_step(timezone.now()) + offset)


def enrol(user) -> tuple[MfaDevice, list[str]]:
    """Give ``user`` a confirmed authenticator (through the services) and its recovery codes."""
    device = mfa.mfa_enrolment_start(user=user)
    # Confirm with the previous step's code so that the current step is still unused.
    codes = mfa.mfa_enrolment_confirm(user=user, code=current_code(device.secret, -1))
    device.refresh_from_db()
    return device, codes


def password_step(client, username: str, **extra):
    return client.post(
        reverse("identity:login"), {"username": username, "password": PASSWORD, **extra}
    )


# --- TOTP arithmetic (RFC 6238) ------------------------------------------------------------


def test_totp_matches_the_rfc_6238_sha1_test_vector():
    # RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits);
    # authenticator apps use the last 6 digits of the same HOTP value.
    import base64

    secret = base64.b32encode(b"12345678901234567890").decode()
    moment = datetime(1970, 1, 1, 0, 0, 59, tzinfo=UTC)
    assert totp.code_for_step(secret, totp.time_step(moment)) == "287082"


def test_code_is_accepted_one_step_either_side_but_not_two():
    now = timezone.now()
    step = totp.time_step(now)
    assert totp.matching_step(SECRET, totp.code_for_step(SECRET, step - 1), now=now) == step - 1
    assert totp.matching_step(SECRET, totp.code_for_step(SECRET, step + 1), now=now) == step + 1
    assert totp.matching_step(SECRET, totp.code_for_step(SECRET, step - 2), now=now) is None
    assert totp.matching_step(SECRET, "12345", now=now) is None
    assert totp.matching_step(SECRET, "abcdef", now=now) is None


def test_code_with_spaces_is_accepted():
    now = timezone.now()
    code = totp.code_for_step(SECRET, totp.time_step(now))
    assert totp.matching_step(SECRET, f"{code[:3]} {code[3:]}", now=now) is not None


def test_secret_is_encrypted_at_rest(citizen):
    device = mfa.mfa_enrolment_start(user=citizen)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM identity_mfadevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1$")
    assert device.secret not in stored
    assert MfaDevice.objects.get(pk=device.pk).secret == device.secret


def test_qr_code_is_inline_svg_without_style_attributes(citizen):
    device = mfa.mfa_enrolment_start(user=citizen)
    uri = mfa.provisioning_uri_for(device=device)
    assert uri.startswith("otpauth://totp/")
    assert f"secret={device.secret}" in uri
    svg = str(totp.qr_svg(uri, label="QR"))
    assert svg.startswith("<svg ")
    assert 'role="img"' in svg
    assert 'aria-label="QR"' in svg
    # The CSP (style-src 'self') would block inline style attributes and <style> elements.
    assert "style" not in svg.lower()
    assert "<script" not in svg.lower()


# --- enrolment ------------------------------------------------------------------------------


def test_setup_page_shows_qr_and_key_then_confirm_activates_and_shows_codes_once(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("identity:mfa_setup"))
    assert page.status_code == 200
    html = page.content.decode()
    device = MfaDevice.objects.get(user=citizen)
    assert device.confirmed_at is None
    assert '<svg class="mfa-qr"' in html
    assert " ".join(device.secret[i : i + 4] for i in range(0, 32, 4)) in html

    # A wrong code does not activate anything.
    wrong = client.post(en("identity:mfa_setup"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "The code is not correct" in wrong.content.decode()
    assert not mfa.mfa_is_enabled(user=citizen)

    response = client.post(reverse("identity:mfa_setup"), {"code": current_code(device.secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:mfa_recovery_codes")
    assert mfa.mfa_is_enabled(user=citizen)

    codes_page = client.get(reverse("identity:mfa_recovery_codes"))
    assert codes_page.status_code == 200
    assert "no-store" in codes_page["Cache-Control"]
    shown = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", codes_page.content.decode())
    assert len(shown) == 10
    assert RecoveryCode.objects.filter(user=citizen, used_at__isnull=True).count() == 10
    # Only hashes are stored.
    assert not RecoveryCode.objects.filter(code_hash__contains=shown[0]).exists()
    # Shown once: a second visit goes to the management page.
    again = client.get(reverse("identity:mfa_recovery_codes"))
    assert again["Location"] == reverse("identity:mfa_manage")
    assert AuditEntry.objects.filter(action="auth.mfa_enabled", subject=citizen).count() == 1


def test_setup_page_needs_a_login(client):
    response = client.get(reverse("identity:mfa_setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


# --- login with a second factor -------------------------------------------------------------


def test_login_with_authenticator_needs_the_code_before_the_session_is_authenticated(
    client, citizen
):
    device, _codes = enrol(citizen)

    response = password_step(client, "citizen", next="/services/")
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login_verify")
    assert "_auth_user_id" not in client.session  # not logged in after the password alone
    assert client.get(reverse("identity:profile")).status_code == 302

    response = client.post(reverse("identity:login_verify"), {"code": current_code(device.secret)})
    assert response.status_code == 302
    assert response["Location"] == "/services/"
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.session[flow.MFA_STATE_KEY] == flow.MFA_VERIFIED
    assert flow.PENDING_KEY not in client.session


def test_wrong_code_gives_a_clear_error_and_counts_as_a_failed_attempt(client, citizen):
    enrol(citizen)
    password_step(client, "citizen")

    response = client.post(en("identity:login_verify"), {"code": "000000"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "The code is not correct or has already been used." in page
    assert "_auth_user_id" not in client.session
    assert (
        LoginFailure.objects.filter(user=citizen, step=LoginFailure.Step.SECOND_FACTOR).count() == 1
    )
    assert AccountLockout.objects.get(user=citizen).failed_count == 1
    assert AuditEntry.objects.filter(action="auth.mfa_failed", subject=citizen).count() == 1


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, citizen):
    enrol(citizen)
    password_step(client, "citizen")
    for _ in range(4):
        client.post(reverse("identity:login_verify"), {"code": "000000"})
    response = client.post(en("identity:login_verify"), {"code": "000000"}, follow=True)
    assert response.status_code == 200
    assert "temporarily locked" in response.content.decode()
    assert flow.PENDING_KEY not in client.session
    assert AccountLockout.objects.get(user=citizen).locked_until > timezone.now()


def test_a_code_already_used_in_its_time_step_is_refused(client, citizen):
    device, _codes = enrol(citizen)
    code = current_code(device.secret)
    password_step(client, "citizen")
    assert client.post(reverse("identity:login_verify"), {"code": code}).status_code == 302
    client.post(reverse("identity:logout"))

    # Someone who saw the code tries it again in the same 30 seconds.
    password_step(client, "citizen")
    replay = client.post(reverse("identity:login_verify"), {"code": code})

    assert replay.status_code == 400
    assert "_auth_user_id" not in client.session


def test_an_older_step_is_refused_after_a_newer_one_was_used(citizen):
    device, _codes = enrol(citizen)
    assert mfa.mfa_code_check(user=citizen, code=current_code(device.secret, +1)) == "totp"
    # The current step's code is still within tolerance but older than the one accepted.
    assert mfa.mfa_code_check(user=citizen, code=current_code(device.secret)) is None


def test_recovery_code_logs_in_once_only(client, citizen):
    _device, codes = enrol(citizen)
    password_step(client, "citizen")
    response = client.post(reverse("identity:login_verify"), {"code": codes[3].upper()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert RecoveryCode.objects.filter(user=citizen, used_at__isnull=False).count() == 1
    client.post(reverse("identity:logout"))

    password_step(client, "citizen")
    again = client.post(reverse("identity:login_verify"), {"code": codes[3]})
    assert again.status_code == 400
    assert "_auth_user_id" not in client.session
    # Another code still works.
    assert client.post(reverse("identity:login_verify"), {"code": codes[4]}).status_code == 302


def test_code_step_expires_with_the_pending_login(client, citizen):
    device, _codes = enrol(citizen)
    password_step(client, "citizen")
    session = client.session
    pending = session[flow.PENDING_KEY]
    pending["expires"] = 0
    session[flow.PENDING_KEY] = pending
    session.save()

    response = client.post(reverse("identity:login_verify"), {"code": current_code(device.secret)})

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login")
    assert "_auth_user_id" not in client.session


def test_code_page_without_password_step_goes_back_to_login(client):
    response = client.get(reverse("identity:login_verify"))
    assert response["Location"] == reverse("identity:login")


# --- mandatory for staff --------------------------------------------------------------------


@pytest.fixture
def approver(db, department):
    user = UserFactory(username="approver1")
    StaffRoleFactory(user=user, department=department, role=StaffRole.Role.APPROVER)
    return user


def test_mfa_is_required_for_the_listed_roles_and_every_role_that_unmasks(department):
    for role in ("approver", "department_admin", "supervisor", "auditor"):
        user = UserFactory()
        StaffRoleFactory(user=user, department=department, role=role)
        assert mfa.mfa_is_required(user=user), role
    # Counter clerks and reviewers see the applicant's data unmasked on the cases they handle.
    for role in (StaffRole.Role.COUNTER_CLERK, StaffRole.Role.REVIEWER):
        handler = UserFactory()
        StaffRoleFactory(user=handler, department=department, role=role)
        assert mfa.mfa_is_required(user=handler), role
    assert not mfa.mfa_is_required(user=UserFactory())


def test_roles_that_unmask_need_mfa_whatever_the_setting_lists(settings, department):
    # Given a city that lists no role in its setting
    settings.ECITY_MFA_REQUIRED_ROLES = ()
    reviewer = StaffRoleFactory(department=department, role=StaffRole.Role.REVIEWER).user
    supervisor = StaffRoleFactory(department=department, role=StaffRole.Role.SUPERVISOR).user

    # Then the reviewer (who sees unmasked data) still needs it; the supervisor (masked) not
    assert mfa.mfa_is_required(user=reviewer)
    assert not mfa.mfa_is_required(user=supervisor)


def test_reviewer_without_device_is_sent_to_setup_at_login(client, department):
    StaffRoleFactory(
        department=department, role=StaffRole.Role.REVIEWER, user__username="reviewer1"
    )

    response = password_step(client, "reviewer1", next="/cases/workbench/")

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:mfa_setup")
    assert "_auth_user_id" not in client.session


def test_approver_without_device_must_set_one_up_before_reaching_anything(client, approver):
    response = password_step(client, "approver1", next="/cases/workbench/")
    assert response["Location"] == reverse("identity:mfa_setup")
    assert "_auth_user_id" not in client.session

    # Nothing else opens: the session is not logged in yet.
    for path in ("/cases/", "/admin/", reverse("identity:profile")):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert "_auth_user_id" not in client.session

    page = client.get(reverse("identity:mfa_setup"))
    assert page.status_code == 200
    assert (
        "Your role requires two-step verification"
        in client.get(en("identity:mfa_setup")).content.decode()
    )
    device = MfaDevice.objects.get(user=approver)
    response = client.post(reverse("identity:mfa_setup"), {"code": current_code(device.secret)})
    assert response["Location"] == reverse("identity:mfa_recovery_codes")
    assert client.session["_auth_user_id"] == str(approver.pk)
    codes_page = client.get(reverse("identity:mfa_recovery_codes")).content.decode()
    assert 'href="/cases/workbench/"' in codes_page  # then on to where they were going


def test_platform_admin_is_forced_through_setup_too(client, platform_admin):
    response = password_step(client, "root", next="/admin/")
    assert response["Location"] == reverse("identity:mfa_setup")


def test_role_granted_during_a_session_forces_setup_on_the_next_request(
    client, citizen, department
):
    password_step(client, "citizen")
    assert client.session[flow.MFA_STATE_KEY] == flow.MFA_PASSWORD_ONLY
    StaffRoleFactory(user=citizen, department=department, role=StaffRole.Role.SUPERVISOR)

    response = client.get(reverse("identity:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:mfa_setup")
    api = client.get("/api/v1/identity/me/")
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_required"
    assert client.get(reverse("identity:mfa_setup")).status_code == 200


def test_admin_login_goes_through_the_ecity_login(client, citizen):
    response = client.get("/admin/login/?next=/admin/identity/user/")
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login") + "?next=%2Fadmin%2Fidentity%2Fuser%2F"
    # A logged-in account without admin rights gets 403, not a redirect loop.
    client.force_login(citizen)
    assert client.get("/admin/login/").status_code == 403


# --- management -----------------------------------------------------------------------------


def test_regenerate_needs_password_and_code_and_replaces_the_codes(client, citizen):
    device, old_codes = enrol(citizen)
    client.force_login(citizen)
    url = reverse("identity:mfa_recovery_regenerate")

    refused = client.post(url, {"regenerate-password": "wrong", "regenerate-code": "000000"})
    assert refused.status_code == 400
    assert set(refused.context["regenerate_form"].errors) == {"password", "code"}
    assert AuditEntry.objects.filter(action="auth.mfa_failed", subject=citizen).exists()

    response = client.post(
        url, {"regenerate-password": PASSWORD, "regenerate-code": current_code(device.secret)}
    )
    assert response["Location"] == reverse("identity:mfa_recovery_codes")
    new_codes = re.findall(
        r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>",
        client.get(reverse("identity:mfa_recovery_codes")).content.decode(),
    )
    assert len(new_codes) == 10
    assert mfa.mfa_code_check(user=citizen, code=old_codes[0]) is None
    assert mfa.mfa_code_check(user=citizen, code=new_codes[0]) == "recovery"


def test_disable_needs_password_and_code(client, citizen):
    device, _codes = enrol(citizen)
    client.force_login(citizen)
    url = reverse("identity:mfa_disable")
    refused = client.post(url, {"disable-password": PASSWORD, "disable-code": "000000"})
    assert refused.status_code == 400
    assert mfa.mfa_is_enabled(user=citizen)

    response = client.post(
        url, {"disable-password": PASSWORD, "disable-code": current_code(device.secret)}
    )
    assert response["Location"] == reverse("identity:mfa_manage")
    assert not MfaDevice.objects.filter(user=citizen).exists()
    assert not RecoveryCode.objects.filter(user=citizen).exists()
    assert AuditEntry.objects.filter(action="auth.mfa_disabled", subject=citizen).count() == 1


def test_staff_who_turn_it_off_must_set_up_a_new_device_at_once(client, approver):
    device, _codes = enrol(approver)
    password_step(client, "approver1")
    client.post(reverse("identity:login_verify"), {"code": current_code(device.secret)})
    response = client.post(
        reverse("identity:mfa_disable"),
        {"disable-password": PASSWORD, "disable-code": current_code(device.secret, +1)},
    )
    assert response["Location"] == reverse("identity:mfa_setup")
    assert client.get(reverse("identity:profile"))["Location"] == reverse("identity:mfa_setup")


def test_platform_admin_resets_a_lost_device(platform_admin, citizen):
    enrol(citizen)
    mfa.mfa_reset(actor=platform_admin, user=citizen)
    assert not mfa.mfa_is_enabled(user=citizen)
    assert AuditEntry.objects.filter(action="auth.mfa_reset", subject=citizen).count() == 1


def test_manage_page_shows_status(client, citizen):
    client.force_login(citizen)
    off = client.get(en("identity:mfa_manage")).content.decode()
    assert "Turn on two-step verification" in off
    enrol(citizen)
    on = client.get(en("identity:mfa_manage")).content.decode()
    assert "Unused recovery codes" in on
    assert "<dd>10</dd>" in on


def test_enrolment_confirm_refuses_an_old_code(citizen):
    device = mfa.mfa_enrolment_start(user=citizen)
    old = totp.code_for_step(device.secret, totp.time_step(timezone.now() - timedelta(minutes=5)))
    with pytest.raises(ValidationFailed) as caught:
        mfa.mfa_enrolment_confirm(user=citizen, code=old)
    assert list(caught.value.fields) == ["code"]
    assert not mfa.mfa_is_enabled(user=citizen)
