"""适老化: large text and high contrast, one click from every page, kept without an account."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_one_click_switches_every_page_to_large_text_and_back(client):
    home = client.get(reverse("portal:home")).content.decode()
    assert 'class="display-large"' not in home
    assert 'action="/display/"' in home  # the switch is in the shared header

    response = client.post("/display/", {"mode": "large", "next": "/services/"})
    assert response.status_code == 302 and response["Location"] == "/services/"
    assert response.cookies["ecity_display"].value == "large"

    page = client.get(reverse("catalogue:item_list")).content.decode()
    assert '<body class="display-large">' in page
    assert 'value="standard"' in page  # and the way back is one click too

    client.post("/display/", {"mode": "standard", "next": "/"})
    assert 'class="display-large"' not in client.get("/").content.decode()


def test_display_switch_refuses_unknown_modes_and_foreign_redirects(client):
    assert client.post("/display/", {"mode": "tiny"}).status_code == 400
    assert client.get("/display/").status_code == 405
    response = client.post("/display/", {"mode": "large", "next": "https://evil.example/"})
    assert response["Location"] == "/"
