"""The read API of the published resource catalogue."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import DCAT, RDF

pytestmark = pytest.mark.django_db


def test_resources_are_listed_paginated_and_filtered_like_the_facets(
    api_client, published_catalogue
):
    everything = api_client.get("/api/v1/registry/resources/", {"page_size": 2})
    assert everything.status_code == 200
    body = everything.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]

    open_police = api_client.get(
        "/api/v1/registry/resources/",
        {"department": "GAJ", "open_type": "open", "resource_format": "self_describing"},
    ).json()
    assert [r["code"] for r in open_police["results"]] == ["GA-0002"]
    sex_codes = open_police["results"][0]
    assert (sex_codes["code_list"], sex_codes["subjects"]) == ("sex", ["人口"])
    assert sex_codes["provider"]["code"] == "GAJ"


def test_an_unknown_filter_value_names_the_field(api_client, published_catalogue):
    response = api_client.get(
        "/api/v1/registry/resources/", {"update_cycle": "hourly"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["fields"]["update_cycle"] == ["Unknown value hourly."]


def test_detail_has_items_with_their_effective_share_type(api_client, published_catalogue):
    response = api_client.get("/api/v1/registry/resources/GA-0001/")
    assert response.status_code == 200
    body = response.json()
    assert body["share_type"] == "conditional"
    assert [(i["data_element"], i["share_type"]) for i in body["items"]] == [
        ("DE0001", "conditional"),
        ("DE0002", "conditional"),
        ("DE0003", "conditional"),
        ("DE0005", "conditional"),
    ]


def test_a_draft_is_not_in_the_api(api_client, published_catalogue):
    response = api_client.get("/api/v1/registry/resources/GA-0099/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("path", "rdf_format", "content_type"),
    [
        ("/api/v1/registry/catalogue.jsonld", "json-ld", "application/ld+json"),
        ("/api/v1/registry/catalogue.ttl", "turtle", "text/turtle"),
    ],
)
def test_the_catalogue_is_served_as_dcat(
    api_client, published_catalogue, path, rdf_format, content_type
):
    response = api_client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    graph = Graph().parse(data=response.content.decode(), format=rdf_format)
    assert len(list(graph.subjects(RDF.type, DCAT.Dataset))) == 3


def test_the_catalogue_endpoints_are_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/registry/resources/",
        "/api/v1/registry/resources/{code}/",
        "/api/v1/registry/catalogue.jsonld",
        "/api/v1/registry/catalogue.ttl",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/registry/resources/"]["get"]["parameters"]}
    assert {"q", "department", "subject", "share_type", "open_type", "resource_format"} <= (
        parameters
    )
