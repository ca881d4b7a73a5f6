"""The one mapper from a service's ApplicationError onto an HTML form."""

from __future__ import annotations

from django import forms

from ecity.core.errors import Conflict, ValidationFailed
from ecity.core.forms import add_application_error


class ShopForm(forms.Form):
    shop_name = forms.CharField()
    phone = forms.CharField(required=False)


def test_field_messages_go_beside_their_fields_and_unknown_fields_to_the_summary():
    form = ShopForm(data={"shop_name": "小明面馆", "phone": "123"})
    form.is_valid()
    error = ValidationFailed(
        fields={"phone": ["请输入有效的手机号码。"], "material:7": ["请上传。"]}
    )

    add_application_error(form, error)

    assert form.errors["phone"] == ["请输入有效的手机号码。"]
    assert form.non_field_errors() == ["请上传。"]


def test_a_message_without_fields_goes_to_the_summary():
    form = ShopForm(data={"shop_name": "小明面馆"})
    form.is_valid()

    add_application_error(form, Conflict("已被他人处理。"))

    assert form.non_field_errors() == ["已被他人处理。"]
    assert "shop_name" not in form.errors


def test_rename_maps_a_service_field_onto_the_form_field():
    form = ShopForm(data={"shop_name": "小明面馆"})
    form.is_valid()

    add_application_error(
        form, ValidationFailed(fields={"name": ["太长了。"]}), rename={"name": "shop_name"}
    )

    assert form.errors["shop_name"] == ["太长了。"]


def test_skip_reported_keeps_the_form_own_message_only():
    form = ShopForm(data={"shop_name": ""})
    error = ValidationFailed(fields={"shop_name": ["这个字段是必填项。"], "phone": ["无效。"]})

    add_application_error(form, error, skip_reported=True)

    assert len(form.errors["shop_name"]) == 1
    assert form.errors["phone"] == ["无效。"]
