"""The editors' Wagtail admin is entered through ecity's login, and never manages accounts.

Wagtail brings its own login form, user and group pages and account settings. Each would go
around ecity's rules: the login form skipped the lock-out, the second factor and the staff
time-outs; the user and group pages changed accounts and rights without audit or the identity
services; the account page changed names and e-mail without re-authentication.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ecity.identity.tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # the factories' password


def test_wagtails_login_form_does_not_log_an_editor_in(client, dept_a):
    page = client.get("/cms/admin/login/?next=/cms/admin/pages/")
    assert page.status_code == 302
    assert page["Location"] == reverse("identity:login") + "?next=%2Fcms%2Fadmin%2Fpages%2F"

    posted = client.post(
        "/cms/admin/login/", {"username": dept_a.editor.username, "password": PASSWORD}
    )

    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("identity:login"))
    assert "_auth_user_id" not in client.session  # not logged in: no way around MFA and lock-out


def test_the_admin_sends_anonymous_visitors_to_ecitys_login(client, dept_a):
    response = client.get("/cms/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login") + "?next=/cms/admin/pages/"


def test_a_signed_in_editor_reaching_the_old_login_goes_to_the_admin(client, dept_a):
    client.force_login(dept_a.editor)

    response = client.get("/cms/admin/login/")

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize("path", ["/cms/admin/users/", "/cms/admin/groups/"])
def test_accounts_and_groups_are_not_managed_in_the_wagtail_admin(client, home, path):
    platform_admin = StaffUserFactory(is_superuser=True, is_staff=True)
    client.force_login(platform_admin)

    assert client.get(path).status_code == 404
    assert client.post(path, {"username": "intruder"}).status_code == 404


def test_the_admin_menu_offers_no_user_or_group_pages(client, home):
    platform_admin = StaffUserFactory(is_superuser=True, is_staff=True)
    client.force_login(platform_admin)

    menu = client.get("/cms/admin/").content.decode()

    assert "/cms/admin/users/" not in menu
    assert "/cms/admin/groups/" not in menu


def test_account_settings_are_ecitys_profile(client, dept_a):
    client.force_login(dept_a.editor)
    name_before = dept_a.editor.first_name

    shown = client.get("/cms/admin/account/")
    posted = client.post(
        "/cms/admin/account/", {"name_email-first_name": "改名", "name_email-email": "x@y.cn"}
    )

    assert shown.status_code == 302
    assert shown["Location"] == reverse("identity:profile")
    assert posted.status_code == 302
    dept_a.editor.refresh_from_db()
    assert dept_a.editor.first_name == name_before


def test_the_admin_keeps_scripts_to_its_own_files_and_shows_no_gravatar(client, dept_a):
    client.force_login(dept_a.editor)

    admin = client.get("/cms/admin/")
    public = client.get("/site/fgw/")

    policy = admin["Content-Security-Policy"]
    assert "script-src 'self';" in policy  # no inline script, no other origin
    assert "frame-ancestors 'self'" in policy  # the live preview frames the page
    assert "gravatar.com" not in admin.content.decode()  # no editor's e-mail hash leaves
    assert "frame-ancestors 'none'" in public["Content-Security-Policy"]
    assert "'unsafe-inline'" not in public["Content-Security-Policy"]


# A script element that runs inline: no src, and not JSON data (Wagtail's configuration).
_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE
)


@pytest.mark.parametrize(
    "page_type", ["newspage", "noticepage", "policypage", "interpretationpage", "plainpage"]
)
def test_the_editors_forms_start_every_widget_without_an_inline_script(client, dept_a, page_type):
    # ecity's policy blocks inline scripts: a widget started by one (the page chooser of a
    # policy's "replaced by" and an interpretation's policy) stays dead in the editor's browser.
    client.force_login(dept_a.editor)

    form = client.get(f"/cms/admin/pages/add/cms/{page_type}/{dept_a.news.pk}/")

    assert form.status_code == 200
    html = form.content.decode()
    assert _INLINE_SCRIPT.findall(html) == []
    if page_type in {"policypage", "interpretationpage"}:
        assert 'data-ecity-chooser="page"' in html  # the page chooser is there, started by file
