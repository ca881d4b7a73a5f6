"""The API error envelope ``{"code", "message", "fields"}``, in Chinese by default and English."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ecity.core.errors import Conflict, ValidationFailed
from ecity.core.validators import validate_id_number

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


class _ApplicationErrorApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise ValidationFailed(fields={"phone": [_("A mobile phone number contains digits only.")]})


class _ConflictApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        raise Conflict()


class _InputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    count = serializers.IntegerField(min_value=1)
    id_number = serializers.CharField(required=False, validators=[validate_id_number])


class _SerializerApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        serializer = _InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class _DjangoValidationApi(APIView):
    permission_classes = [AllowAny]

    def post(self, request):
        validate_id_number(request.data.get("id_number", ""))
        return Response({})


class _NotFoundApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise Http404


class _ForbiddenApi(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise DjangoPermissionDenied


class _LoginRequiredApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({})


urlpatterns = [
    path("api/test/application-error", _ApplicationErrorApi.as_view()),
    path("api/test/conflict", _ConflictApi.as_view()),
    path("api/test/serializer", _SerializerApi.as_view()),
    path("api/test/django-validation", _DjangoValidationApi.as_view()),
    path("api/test/not-found", _NotFoundApi.as_view()),
    path("api/test/forbidden", _ForbiddenApi.as_view()),
    path("api/test/login-required", _LoginRequiredApi.as_view()),
]


def test_application_error_is_rendered_in_chinese_by_default(api_client):
    response = api_client.post("/api/test/application-error", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "validation_failed",
        "message": "部分字段无效，请更正后重试。",
        "fields": {"phone": ["手机号码只能包含数字。"]},
    }


def test_application_error_is_rendered_in_english_on_request(api_client):
    response = api_client.post(
        "/api/test/application-error", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json() == {
        "code": "validation_failed",
        "message": "Some fields are not valid. Please correct them and try again.",
        "fields": {"phone": ["A mobile phone number contains digits only."]},
    }


def test_application_error_subclass_keeps_its_status_and_code(api_client):
    response = api_client.post("/api/test/conflict", {}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["message"] == "该对象已被他人修改，请刷新后重试。"


def test_serializer_errors_become_field_messages_in_chinese(api_client):
    response = api_client.post(
        "/api/test/serializer", {"name": "toolongname", "count": 0}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["message"] == "部分字段无效，请更正后重试。"
    assert body["fields"] == {
        "name": ["请确保这个字段不能超过 5 个字符。"],
        "count": ["请确保该值大于或者等于 1。"],
    }


def test_serializer_errors_in_english_with_accept_language(api_client):
    response = api_client.post(
        "/api/test/serializer",
        {"count": 2, "id_number": "110105194912310021"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = response.json()
    assert body["message"] == "Some fields are not valid. Please correct them and try again."
    assert body["fields"]["name"] == ["This field is required."]
    assert body["fields"]["id_number"][0].startswith("The check character (the last character)")


def test_lang_query_parameter_overrides_accept_language(api_client):
    response = api_client.post(
        "/api/test/application-error?lang=en", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.json()["message"] == (
        "Some fields are not valid. Please correct them and try again."
    )


def test_django_validation_error_from_a_validator_is_rendered_in_the_envelope(api_client):
    response = api_client.post(
        "/api/test/django-validation", {"id_number": "11010519491231002"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["fields"] == {"__all__": ["公民身份号码应为 18 位，当前为 17 位。"]}


def test_not_found_in_chinese_and_english(api_client):
    response = api_client.get("/api/test/not-found")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到。", "fields": {}}
    english = api_client.get("/api/test/not-found", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"code": "not_found", "message": "Not found.", "fields": {}}


def test_permission_denied_in_chinese_and_english(api_client):
    response = api_client.get("/api/test/forbidden")
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "您没有执行该操作的权限。",
        "fields": {},
    }
    english = api_client.get("/api/test/forbidden", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["message"] == "You do not have permission to perform this action."


def test_anonymous_request_to_a_protected_api_gets_403_envelope(api_client):
    response = api_client.get("/api/test/login-required", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }
