"""The DCAT-AP 3 export of the published catalogue, validated with SHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

import ecity.registry

pytestmark = pytest.mark.django_db

SHAPES = Path(ecity.registry.__file__).parent / "shapes" / "dcat-ap-3-mandatory.ttl"
SITE = "http://127.0.0.1:8000"
FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")


def _conforms(graph: Graph) -> tuple[bool, str]:
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _report, text = validate(graph, shacl_graph=shapes, inference="none")
    return conforms, text


@pytest.fixture
def turtle(client, published_catalogue, settings):
    settings.ECITY_SITE_URL = SITE
    response = client.get(reverse("registry:resource_dcat", args=["ttl"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=response.content.decode(), format="turtle")


def test_the_turtle_export_conforms_to_the_dcat_ap_shapes(turtle):
    conforms, report = _conforms(turtle)
    assert conforms, report


def test_the_jsonld_export_conforms_and_says_the_same_as_the_turtle(
    client, published_catalogue, settings, turtle
):
    settings.ECITY_SITE_URL = SITE
    response = client.get(reverse("registry:resource_dcat", args=["jsonld"]))
    assert response["Content-Type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.content.decode(), format="json-ld")
    conforms, report = _conforms(graph)
    assert conforms, report
    assert len(graph) == len(turtle)


def test_every_published_resource_is_a_dataset_with_its_attributes(turtle):
    catalogue = URIRef(f"{SITE}/registry/resources/")
    datasets = set(turtle.objects(catalogue, DCAT.dataset))
    identifiers = {str(turtle.value(d, DCTERMS.identifier)) for d in datasets}
    assert identifiers == {"GA-0001", "GA-0002", "SCJ-0001"}  # not the draft GA-0099

    population = URIRef(f"{SITE}/registry/resources/GA-0001/")
    assert (population, DCTERMS.title, Literal("人口基础信息", lang="zh-Hans")) in turtle
    assert (population, DCTERMS.title, Literal("Population base information", lang="en")) in turtle
    assert turtle.value(population, DCTERMS.accrualPeriodicity) == FREQUENCY.DAILY
    assert turtle.value(population, DCTERMS.accessRights) == ACCESS.NON_PUBLIC
    publisher = turtle.value(population, DCTERMS.publisher)
    assert (publisher, FOAF.name, Literal("示范市公安局", lang="zh-Hans")) in turtle


def test_open_resources_have_download_distributions(turtle):
    codes = URIRef(f"{SITE}/registry/resources/GA-0002/")
    downloads = {
        str(turtle.value(d, DCAT.downloadURL))
        for d in turtle.objects(codes, DCAT.distribution)
        if turtle.value(d, DCAT.downloadURL) is not None
    }
    assert downloads == {
        f"{SITE}/registry/open-data/GA-0002/metadata.csv",
        f"{SITE}/registry/open-data/GA-0002/metadata.json",
        f"{SITE}/registry/open-data/GA-0002/values.csv",
    }


def test_the_shapes_reject_a_dataset_without_title_and_a_distribution_without_access_url():
    # Given a catalogue whose dataset lacks a title and whose distribution lacks an access URL
    graph = Graph()
    catalogue, dataset, distribution, agent = (
        URIRef(f"urn:test:{n}") for n in ("catalogue", "dataset", "distribution", "agent")
    )
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal("目录")))
    graph.add((catalogue, DCTERMS.description, Literal("说明")))
    graph.add((catalogue, DCTERMS.publisher, agent))
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, FOAF.name, Literal("示范市人民政府")))
    graph.add((catalogue, DCAT.dataset, dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.description, Literal("说明")))
    graph.add((dataset, DCTERMS.identifier, Literal("X-1")))
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    # When it is validated, Then both gaps are reported
    conforms, report = _conforms(graph)
    assert not conforms
    assert "dct:title" in report or str(DCTERMS.title) in report
    assert "dcat:accessURL" in report or str(DCAT.accessURL) in report
