"""The authorization endpoint: federation consent, silent sign-in, denial and bad requests."""

from __future__ import annotations

from ecity.audit.models import AuditEntry
from ecity.identity.selectors import ACTING_SESSION_KEY
from ecity.sso.models import Federation
from ecity.sso.tests.helpers import (
    REDIRECT_URI,
    authorize_url,
    form_fields,
    pkce_pair,
    query,
)


def test_first_sign_in_shows_exactly_the_data_items_with_masked_identifiers(
    client, citizen, registered
):
    # given a citizen who never used the application
    client.force_login(citizen)
    _, challenge = pkce_pair()

    # when the application asks for profile and phone
    response = client.get(
        authorize_url(registered, scope="openid profile phone", challenge=challenge)
    )

    # then the consent page names the application, its department and each data item
    page = response.content.decode()
    assert response.status_code == 200
    assert "企业开办一窗通" in page and "市场监督管理局" in page
    assert "实名信息及身份核验等级（实名认证）" in page and "李娜" in page
    assert "138****8000" in page and "13800138000" not in page
    assert "<strong>公民身份号码</strong>" not in page  # not requested, so not listed
    assert not Federation.objects.exists()


def test_consent_page_lets_the_form_redirect_to_the_application_only(client, citizen, registered):
    client.force_login(citizen)
    _, challenge = pkce_pair()

    response = client.get(authorize_url(registered, scope="openid", challenge=challenge))

    policy = response["Content-Security-Policy"]
    assert "form-action 'self' https://rp.example.test;" in policy
    assert "script-src 'self'" in policy


def test_allow_links_the_identity_and_issues_a_code(client, citizen, registered, enterprise):
    client.force_login(citizen)
    session = client.session
    session[ACTING_SESSION_KEY] = str(enterprise.public_id)
    session.save()
    _, challenge = pkce_pair()
    page = client.get(
        authorize_url(registered, scope="openid profile enterprise", challenge=challenge)
    )
    assert "甲科技有限公司" in page.content.decode()

    response = client.post(
        "/o/authorize/", {**form_fields(page.content.decode(), "/o/authorize/"), "allow": "on"}
    )

    assert response.status_code == 302
    params = query(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI + "?")
    assert params["state"] == "st-1" and params["code"]
    federation = Federation.objects.get(user=citizen, application=registered)
    assert federation.consented_claims == ["profile", "enterprise"]
    assert federation.acting_for == {
        "uscc": enterprise.uscc,
        "name": "甲科技有限公司",
        "role": "legal_representative",
    }
    assert federation.last_sign_in_at is not None
    linked = AuditEntry.objects.get(action="sso.federation_linked")
    assert linked.fields == ["profile", "enterprise"]


def test_later_sign_in_skips_the_prompt_when_nothing_new_is_asked(client, citizen, registered):
    client.force_login(citizen)
    Federation.objects.create(user=citizen, application=registered, consented_claims=["profile"])
    _, challenge = pkce_pair()

    response = client.get(authorize_url(registered, scope="openid profile", challenge=challenge))

    assert response.status_code == 302
    assert "code" in query(response["Location"])
    assert Federation.objects.get().last_sign_in_at is not None


def test_asking_for_more_shows_the_prompt_again_marking_the_new_items(client, citizen, registered):
    client.force_login(citizen)
    Federation.objects.create(user=citizen, application=registered, consented_claims=["profile"])
    _, challenge = pkce_pair()

    page = client.get(authorize_url(registered, scope="openid profile phone", challenge=challenge))
    assert page.status_code == 200
    assert page.content.decode().count('class="tag"') == 1  # only the phone number is new

    client.post(
        "/o/authorize/", {**form_fields(page.content.decode(), "/o/authorize/"), "allow": "on"}
    )

    federation = Federation.objects.get()
    assert federation.consented_claims == ["profile", "phone"]


def test_prompt_none_without_consent_answers_consent_required(client, citizen, registered):
    client.force_login(citizen)
    _, challenge = pkce_pair()

    response = client.get(
        authorize_url(registered, scope="openid profile", challenge=challenge, prompt="none")
    )

    assert response.status_code == 302
    assert query(response["Location"])["error"] == "consent_required"


def test_deny_redirects_with_access_denied_and_links_nothing(client, citizen, registered):
    client.force_login(citizen)
    _, challenge = pkce_pair()
    page = client.get(authorize_url(registered, scope="openid profile", challenge=challenge))

    response = client.post("/o/authorize/", form_fields(page.content.decode(), "/o/authorize/"))

    assert response.status_code == 302
    params = query(response["Location"])
    assert response["Location"].startswith(REDIRECT_URI)
    assert params["error"] == "access_denied"
    assert params["state"] == "st-1"
    assert not Federation.objects.exists()


def test_wrong_redirect_uri_shows_an_error_page_and_does_not_redirect(client, citizen, registered):
    client.force_login(citizen)
    _, challenge = pkce_pair()

    response = client.get(
        authorize_url(
            registered,
            scope="openid",
            challenge=challenge,
            redirect_uri="https://evil.example.test/steal",
        )
    )

    assert response.status_code == 400
    assert "Location" not in response
    assert "invalid_request" in response.content.decode() or "mismatching_redirect_uri" in (
        response.content.decode()
    )
    assert "<h1>" in response.content.decode()


def test_tampered_redirect_uri_in_the_consent_form_is_refused(client, citizen, registered):
    client.force_login(citizen)
    _, challenge = pkce_pair()
    page = client.get(authorize_url(registered, scope="openid", challenge=challenge))
    fields = form_fields(page.content.decode(), "/o/authorize/")

    response = client.post(
        "/o/authorize/", {**fields, "redirect_uri": "https://evil.example.test/", "allow": "on"}
    )

    assert response.status_code == 400
    assert not Federation.objects.exists()


def test_missing_pkce_is_an_invalid_request(client, citizen, registered):
    client.force_login(citizen)

    response = client.get(authorize_url(registered, scope="openid", challenge=None))

    assert response.status_code == 302
    params = query(response["Location"])
    assert params["error"] == "invalid_request"
    assert "code challenge" in params["error_description"].lower()


def test_plain_pkce_is_refused(client, citizen, registered):
    client.force_login(citizen)

    response = client.get(
        authorize_url(registered, scope="openid", challenge="x" * 43, code_challenge_method="plain")
    )

    assert response.status_code == 302
    assert query(response["Location"])["error"] == "invalid_request"


def test_unknown_client_gets_an_error_page(client, citizen):
    client.force_login(citizen)

    response = client.get("/o/authorize/?response_type=code&client_id=nobody&scope=openid")

    assert response.status_code in {400, 401}
    assert "Location" not in response


def test_deactivated_client_cannot_sign_anyone_in(client, citizen, registered):
    registered.ecity_policy.is_active = False
    registered.ecity_policy.save()
    client.force_login(citizen)
    _, challenge = pkce_pair()

    response = client.get(authorize_url(registered, scope="openid", challenge=challenge))

    assert response.status_code in {400, 401}
    assert "Location" not in response


def test_anonymous_visitor_is_sent_to_the_login_page_and_back(client, registered):
    _, challenge = pkce_pair()
    url = authorize_url(registered, scope="openid", challenge=challenge)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
