"""Public metadata pages, in Chinese and in English."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_data_element_list_shows_elements_and_their_authority(client, metadata):
    response = client.get("/registry/data-elements/", {"q": "公民身份"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "DE0001" in body and "公民身份号码" in body and "示范市公安局" in body
    assert "DE0008" not in body


def test_data_element_page_in_english(client, metadata):
    response = client.get("/en/registry/data-elements/DE0003/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Sex code" in body
    assert "Public Security" in body
    assert 'href="/en/registry/code-lists/sex/"' in body


def test_code_list_page_lists_codes_with_their_broader_code(client, metadata):
    response = client.get("/registry/code-lists/industry/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "GB/T 4754-2017" in body
    assert "农、林、牧、渔业" in body and "畜牧业" in body
    assert "Page 1 of 2" in body or "第 1 页" in body


def test_unknown_code_list_or_element_is_not_found(client, metadata):
    assert client.get("/registry/code-lists/nothing/").status_code == 404
    assert client.get("/registry/data-elements/DE9999/").status_code == 404
