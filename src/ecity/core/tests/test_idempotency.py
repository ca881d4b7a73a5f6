"""Generic Idempotency-Key: any write API opts in with one decorator line."""

from __future__ import annotations

import pytest
from django.db import transaction
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from ecity.core.errors import ValidationFailed
from ecity.core.idempotency import (
    idempotency_begin,
    idempotency_complete,
    idempotency_find,
    idempotency_result,
    idempotent_api,
    request_fingerprint,
)
from ecity.core.models import CalendarYear, IdempotencyRecord
from ecity.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class YearCreateApi(APIView):
    """A write API that opted in: creates a calendar year per request."""

    @idempotent_api(scope="year_create")
    def post(self, request: Request) -> Response:
        year = int(request.data["year"])
        if year < 2000:
            raise ValidationFailed(fields={"year": ["too early"]})
        created = CalendarYear.objects.create(year=year, source=CalendarYear.Source.ADMINISTRATOR)
        return Response({"id": str(created.public_id), "year": year}, status=201)


def call(user, data, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    request = APIRequestFactory().post("/api/v1/years", data, format="json", **headers)
    force_authenticate(request, user=user)
    return YearCreateApi.as_view()(request)


def test_a_retry_with_the_same_key_and_body_replays_the_first_answer():
    user = UserFactory()

    first = call(user, {"year": 2031}, key="retry-0001-abc")
    again = call(user, {"year": 2031}, key="retry-0001-abc")

    assert first.status_code == status.HTTP_201_CREATED
    assert again.status_code == status.HTTP_200_OK and again["Idempotent-Replayed"] == "true"
    assert again.data == first.data
    assert CalendarYear.objects.filter(year=2031).count() == 1


def test_the_same_key_with_another_body_is_a_conflict():
    user = UserFactory()
    call(user, {"year": 2032}, key="retry-0002-abc")

    other = call(user, {"year": 2033}, key="retry-0002-abc")

    assert other.status_code == status.HTTP_409_CONFLICT
    assert other.data["code"] == "idempotency_conflict"
    assert not CalendarYear.objects.filter(year=2033).exists()


def test_a_failed_request_leaves_no_record_so_a_corrected_retry_works():
    user = UserFactory()

    failed = call(user, {"year": 1999}, key="retry-0003-abc")
    assert failed.status_code == status.HTTP_400_BAD_REQUEST
    assert not IdempotencyRecord.objects.exists()

    # the body differs from the failed one: no conflict, since nothing was remembered
    fixed = call(user, {"year": 2034}, key="retry-0003-abc")
    assert fixed.status_code == status.HTTP_201_CREATED


def test_keys_are_per_user_and_requests_without_a_key_are_not_deduplicated():
    first_user, second_user = UserFactory(), UserFactory()

    call(first_user, {"year": 2035}, key="shared-key-0001")
    other_user = call(second_user, {"year": 2036}, key="shared-key-0001")
    plain = [call(first_user, {"year": year}).status_code for year in (2037, 2038)]

    assert other_user.status_code == status.HTTP_201_CREATED
    assert plain == [201, 201]
    assert IdempotencyRecord.objects.count() == 2


def test_a_malformed_key_is_a_validation_error():
    response = call(UserFactory(), {"year": 2039}, key="short")

    assert response.status_code == status.HTTP_400_BAD_REQUEST
    assert "Idempotency-Key" in response.data["fields"]
    assert not CalendarYear.objects.filter(year=2039).exists()


def test_a_service_names_its_result_by_type_and_public_id():
    user = UserFactory()
    fingerprint = request_fingerprint({"year": 2040})

    with transaction.atomic():
        record = idempotency_begin(
            user=user, scope="svc", key="svc-key-0001", fingerprint=fingerprint
        )
        year = CalendarYear.objects.create(year=2040, source=CalendarYear.Source.ADMINISTRATOR)
        idempotency_complete(record=record, result=year)

    found = idempotency_find(user=user, scope="svc", key="svc-key-0001", fingerprint=fingerprint)

    assert found is not None and found.result_type == "core.calendaryear"
    assert idempotency_result(found, CalendarYear) == year
    assert idempotency_result(found, IdempotencyRecord) is None
