"""The published resource catalogue as DCAT-AP 3 (RDF: JSON-LD and Turtle).

Mapping (政务信息资源目录 → DCAT-AP 3):

* the catalogue → ``dcat:Catalog`` (title and description in Chinese and English, the city
  government as ``dct:publisher``, its home page, language Chinese);
* a published resource → ``dcat:Dataset``: code → ``dct:identifier``; name and summary →
  ``dct:title`` / ``dct:description`` (zh-Hans, en); provider → ``dct:publisher`` (a
  ``foaf:Agent`` whose IRI is the catalogue filtered by that department); publication date →
  ``dct:issued``; version → ``dcat:version``; update cycle → ``dct:accrualPeriodicity`` (EU
  frequency authority table); subjects → ``dcat:theme`` (``skos:Concept``) and
  ``dcat:keyword``; open type → ``dct:accessRights`` (EU access-right table: open → PUBLIC,
  conditionally open → RESTRICTED, not open → NON_PUBLIC); the detail page → ``dcat:landingPage``;
* how to get it → ``dcat:Distribution`` with ``dcat:accessURL`` (the detail page, where the share
  method and condition are stated); an open-data resource adds downloadable distributions of its
  metadata (CSV, JSON) and of its code list's values (CSV) with ``dcat:downloadURL``.

IRIs are built from ``ECITY_SITE_URL`` so they stay the same whoever asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from ecity.registry.models import OpenType, Resource, UpdateCycle

EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
EU_ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")

FREQUENCIES = {
    UpdateCycle.REALTIME: EU_FREQUENCY.UPDATE_CONT,
    UpdateCycle.DAILY: EU_FREQUENCY.DAILY,
    UpdateCycle.WEEKLY: EU_FREQUENCY.WEEKLY,
    UpdateCycle.MONTHLY: EU_FREQUENCY.MONTHLY,
    UpdateCycle.QUARTERLY: EU_FREQUENCY.QUARTERLY,
    UpdateCycle.YEARLY: EU_FREQUENCY.ANNUAL,
    UpdateCycle.IRREGULAR: EU_FREQUENCY.IRREG,
}
ACCESS_RIGHTS = {
    OpenType.OPEN: EU_ACCESS_RIGHT.PUBLIC,
    OpenType.CONDITIONAL_OPEN: EU_ACCESS_RIGHT.RESTRICTED,
    OpenType.NOT_OPEN: EU_ACCESS_RIGHT.NON_PUBLIC,
}

#: The JSON-LD context: short prefixes for the vocabularies used.
JSONLD_CONTEXT = {
    "dcat": str(DCAT),
    "dct": str(DCTERMS),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "xsd": str(XSD),
}

ZH = "zh-Hans"
# DCAT 3's dcat:version (rdflib's closed DCAT namespace predates it).
DCAT_VERSION = URIRef(f"{DCAT}version")


def _url(name: str, *args: str) -> str:
    # The default language has no prefix: the IRIs do not depend on the asker's language.
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(name, args=args)
    return settings.ECITY_SITE_URL.rstrip("/") + path


def _bilingual(graph: Graph, subject: URIRef, predicate: URIRef, zh: str, en: str) -> None:
    graph.add((subject, predicate, Literal(zh, lang=ZH)))
    if en:
        graph.add((subject, predicate, Literal(en, lang="en")))


def _agent(graph: Graph, iri: str, name_zh: str, name_en: str) -> URIRef:
    agent = URIRef(iri)
    graph.add((agent, RDF.type, FOAF.Agent))
    _bilingual(graph, agent, FOAF.name, name_zh, name_en)
    return agent


def _download(graph: Graph, dataset: URIRef, url: str, file_type: str, title: str) -> None:
    distribution = URIRef(url)
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.accessURL, URIRef(url)))
    graph.add((distribution, DCAT.downloadURL, URIRef(url)))
    graph.add((distribution, DCTERMS.format, EU_FILE_TYPE[file_type]))
    graph.add((distribution, DCTERMS.title, Literal(title, lang="en")))


def _dataset(graph: Graph, resource: Resource, catalogue_url: str) -> URIRef:
    page = _url("registry:resource_detail", resource.code)
    dataset = URIRef(page)
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(resource.code)))
    _bilingual(graph, dataset, DCTERMS.title, resource.name, resource.name_en)
    _bilingual(graph, dataset, DCTERMS.description, resource.summary, resource.summary_en)
    provider = resource.provider
    publisher = _agent(
        graph,
        f"{catalogue_url}?department={quote(provider.code)}",
        provider.name_zh,
        provider.name_en,
    )
    graph.add((dataset, DCTERMS.publisher, publisher))
    if resource.published_on:
        graph.add((dataset, DCTERMS.issued, Literal(resource.published_on, datatype=XSD.date)))
    graph.add((dataset, DCAT_VERSION, Literal(str(resource.version))))
    graph.add(
        (dataset, DCTERMS.accrualPeriodicity, FREQUENCIES[UpdateCycle(resource.update_cycle)])
    )
    graph.add((dataset, DCTERMS.accessRights, ACCESS_RIGHTS[OpenType(resource.open_type)]))
    graph.add((dataset, DCAT.landingPage, URIRef(page)))
    for term in resource.subjects.all():
        concept = URIRef(f"{catalogue_url}?subject={quote(term.term)}")
        graph.add((concept, RDF.type, SKOS.Concept))
        _bilingual(graph, concept, SKOS.prefLabel, term.term, term.term_en)
        graph.add((dataset, DCAT.theme, concept))
        graph.add((dataset, DCAT.keyword, Literal(term.term, lang=ZH)))

    # How the resource is reached: the detail page states the share type, condition and method.
    access = BNode(f"access-{resource.public_id.hex}")
    graph.add((dataset, DCAT.distribution, access))
    graph.add((access, RDF.type, DCAT.Distribution))
    graph.add((access, DCAT.accessURL, URIRef(page)))
    description = resource.get_share_type_display()
    if resource.share_method:
        description += f" · {resource.get_share_method_display()}"
    graph.add((access, DCTERMS.description, Literal(str(description), lang="en")))
    if resource.open_type == OpenType.OPEN:
        _download(
            graph,
            dataset,
            _url("registry:open_data_metadata", resource.code, "csv"),
            "CSV",
            "Metadata (CSV)",
        )
        _download(
            graph,
            dataset,
            _url("registry:open_data_metadata", resource.code, "json"),
            "JSON",
            "Metadata (JSON)",
        )
        if resource.code_list_id:
            _download(
                graph,
                dataset,
                _url("registry:open_data_values", resource.code),
                "CSV",
                "Code list values (CSV)",
            )
    return dataset


def catalogue_graph(resources: Iterable[Resource]) -> Graph:
    """Build the DCAT-AP 3 graph of the published catalogue made of ``resources``."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("skos", SKOS)
    catalogue_url = _url("registry:resource_list")
    catalogue = URIRef(catalogue_url)
    city, city_en = settings.ECITY_CITY_NAME, settings.ECITY_CITY_NAME_EN
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _bilingual(
        graph,
        catalogue,
        DCTERMS.title,
        f"{city}政务信息资源目录",
        f"{city_en} government information resource catalogue",
    )
    _bilingual(
        graph,
        catalogue,
        DCTERMS.description,
        f"{city}各部门的政务信息资源：名称、提供方、信息项、共享和开放属性、更新周期。",
        f"The government information resources of the departments of {city_en}: names, "
        "providers, information items, sharing and open-data attributes, update cycles.",
    )
    home = settings.ECITY_SITE_URL.rstrip("/") + "/"
    publisher = _agent(graph, home, f"{city}人民政府", f"{city_en} People's Government")
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, URIRef(catalogue_url)))
    graph.add((catalogue, DCTERMS.language, EU_LANGUAGE.ZHO))
    for resource in resources:
        graph.add((catalogue, DCAT.dataset, _dataset(graph, resource, catalogue_url)))
    return graph


def catalogue_turtle(resources: Iterable[Resource]) -> str:
    """The catalogue as Turtle."""
    return catalogue_graph(resources).serialize(format="turtle")


def catalogue_jsonld(resources: Iterable[Resource]) -> str:
    """The catalogue as JSON-LD, compacted with ``JSONLD_CONTEXT``."""
    return catalogue_graph(resources).serialize(
        format="json-ld", context=JSONLD_CONTEXT, auto_compact=True, ensure_ascii=False
    )
