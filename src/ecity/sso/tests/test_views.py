"""HTML pages: my linked applications, unlinking, discovery, logout errors, admin registration."""

from __future__ import annotations

import re

from oauth2_provider.models import Application

from ecity.identity.tests.factories import UserFactory
from ecity.sso.models import ClientPolicy, Federation


def test_linked_apps_page_lists_application_department_and_data(client, citizen, registered):
    Federation.objects.create(
        user=citizen, application=registered, consented_claims=["profile", "phone"]
    )
    Federation.objects.create(user=UserFactory(), application=registered)
    client.force_login(citizen)

    page = client.get("/accounts/linked-apps/").content.decode()

    assert page.count("/unlink/") == 1  # the other person's link is not listed
    assert "企业开办一窗通" in page
    assert "市场监督管理局" in page
    assert "实名信息, 手机号码" in page
    assert page.count("<h1>") == 1


def test_profile_page_links_to_linked_apps(client, citizen):
    client.force_login(citizen)

    page = client.get("/accounts/profile/").content.decode()

    assert 'href="/accounts/linked-apps/"' in page
    assert "已关联的应用" in page


def test_unlink_needs_a_post_and_then_revokes(client, citizen, registered):
    federation = Federation.objects.create(user=citizen, application=registered)
    client.force_login(citizen)
    url = f"/accounts/linked-apps/{federation.public_id}/unlink/"

    confirm = client.get(url)
    federation.refresh_from_db()
    assert confirm.status_code == 200 and federation.revoked_at is None

    response = client.post(url)

    assert response.status_code == 302
    federation.refresh_from_db()
    assert federation.revoked_at is not None


def test_someone_elses_link_cannot_be_unlinked(client, citizen, registered):
    other = Federation.objects.create(user=UserFactory(), application=registered)
    client.force_login(citizen)

    response = client.post(f"/accounts/linked-apps/{other.public_id}/unlink/")

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_english_page_is_english(client, citizen, registered):
    Federation.objects.create(user=citizen, application=registered, consented_claims=["phone"])
    client.force_login(citizen)

    page = client.get("/en/accounts/linked-apps/").content.decode()

    assert "Linked applications" in page and "Mobile phone number" in page


def test_discovery_document_is_served_at_the_root_too(client, db):
    root = client.get("/.well-known/openid-configuration").json()
    issuer_doc = client.get("/o/.well-known/openid-configuration").json()

    assert root == issuer_doc
    assert root["issuer"] == "http://127.0.0.1:8000/o"
    assert root["authorization_endpoint"] == "http://127.0.0.1:8000/o/authorize/"
    assert root["jwks_uri"] == "http://127.0.0.1:8000/o/.well-known/jwks.json"
    assert root["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(root["scopes_supported"]) == {
        "openid",
        "profile",
        "phone",
        "id_number",
        "enterprise",
    }
    assert "ecity_id_number" in root["claims_supported"]


def test_logout_to_an_unregistered_address_is_refused(client, citizen, registered):
    client.force_login(citizen)

    response = client.get(
        "/o/logout/",
        {
            "client_id": registered.client_id,
            "post_logout_redirect_uri": "https://evil.example.test/",
        },
    )

    assert response.status_code == 400
    assert "Location" not in response
    assert "_auth_user_id" in client.session  # still logged in


def test_logout_without_a_token_hint_asks_first(client, citizen, registered):
    client.force_login(citizen)

    page = client.get("/o/logout/", {"client_id": registered.client_id})

    assert page.status_code == 200
    assert "要退出门户登录吗？" in page.content.decode()
    assert "_auth_user_id" in client.session


def _admin_csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_admin_registration_shows_the_secret_once(client, platform_admin, department):
    client.force_login(platform_admin)
    url = "/admin/sso/departmentapplication/add/"
    page = client.get(url).content.decode()

    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": _admin_csrf(page),
            "name": "社保查询",
            "department": department.pk,
            "client_type": "confidential",
            "redirect_uris": "https://shebao.example.test/cb\nhttp://127.0.0.1:9000/cb",
            "allowed_claims": ["profile", "id_number"],
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    application = Application.objects.get(name="社保查询")
    secret = re.search(
        r"客户端密钥（Client secret）</dt><dd><code>([^<]+)</code>", response.content.decode()
    )
    assert secret is not None and secret.group(1) != application.client_secret
    assert ClientPolicy.objects.get(application=application).allowed_claims == [
        "profile",
        "id_number",
    ]
    change = client.get(f"/admin/sso/departmentapplication/{application.pk}/change/")
    assert change.status_code == 200
    assert secret.group(1) not in change.content.decode()


def test_admin_registration_explains_bad_redirect_addresses(client, platform_admin, department):
    client.force_login(platform_admin)
    url = "/admin/sso/departmentapplication/add/"
    page = client.get(url).content.decode()

    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": _admin_csrf(page),
            "name": "社保查询",
            "department": department.pk,
            "client_type": "confidential",
            "redirect_uris": "http://shebao.example.test/cb",
        },
    )

    assert response.status_code == 200
    assert "必须使用 https://" in response.content.decode()
    assert not Application.objects.exists()


def test_admin_is_for_platform_administrators_only(client, department):
    staff = UserFactory(username="staffer", is_staff=True, is_superuser=False)
    client.force_login(staff)

    response = client.get("/admin/sso/departmentapplication/add/")

    assert response.status_code == 403
