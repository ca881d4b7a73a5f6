"""GET /api/v1/sso/federations/ and DELETE /api/v1/sso/federations/<id>/."""

from __future__ import annotations

from oauth2_provider.models import AccessToken

from ecity.identity.tests.factories import UserFactory
from ecity.sso.models import Federation
from ecity.sso.tests.helpers import exchange, sign_in


def test_list_shows_only_my_active_links(api_client, citizen, registered):
    mine = Federation.objects.create(
        user=citizen, application=registered, consented_claims=["profile"]
    )
    Federation.objects.create(user=UserFactory(), application=registered)
    api_client.force_authenticate(citizen)

    response = api_client.get("/api/v1/sso/federations/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    row = response.json()["results"][0]
    assert row["id"] == str(mine.public_id)
    assert row["application"] == "企业开办一窗通"
    assert row["department"] == "市场监督管理局"
    assert row["consented_claims"] == ["profile"]
    assert row["client_id"] == registered.client_id


def test_delete_unlinks_and_revokes_tokens(client, api_client, citizen, registered):
    client.force_login(citizen)
    code, verifier = sign_in(client, registered)
    exchange(client, registered, code, verifier)
    federation = Federation.objects.get()
    api_client.force_authenticate(citizen)

    response = api_client.delete(f"/api/v1/sso/federations/{federation.public_id}/")

    assert response.status_code == 204
    assert not AccessToken.objects.exists()
    assert api_client.get("/api/v1/sso/federations/").json()["count"] == 0


def test_delete_of_someone_elses_link_is_not_found(api_client, citizen, registered):
    other = Federation.objects.create(user=UserFactory(), application=registered)
    api_client.force_authenticate(citizen)

    response = api_client.delete(f"/api/v1/sso/federations/{other.public_id}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Federation.objects.get(pk=other.pk).revoked_at is None


def test_anonymous_callers_are_refused(api_client, db):
    response = api_client.get("/api/v1/sso/federations/")

    assert response.status_code in {401, 403}
