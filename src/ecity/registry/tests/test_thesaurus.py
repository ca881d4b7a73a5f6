"""The subject thesaurus: terms with synonyms and relations, and query expansion for search."""

from __future__ import annotations

import pytest
from django.utils import translation

from ecity.audit.models import AuditEntry
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.tests.factories import StaffRoleFactory
from ecity.org.models import StaffRole
from ecity.registry.selectors.thesaurus import subject_term_list, subject_terms_expand
from ecity.registry.services.thesaurus import subject_term_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def business():
    start = subject_term_save(
        actor=None, term="开办企业", synonyms=["开店", "注册公司", "Start-up"]
    )
    company = subject_term_save(actor=None, term="企业设立登记", broader=[start])
    subject_term_save(actor=None, term="名称预先核准", broader=[company])
    subject_term_save(actor=None, term="个体工商户登记", synonyms=["个体户"], broader=[start])
    return start


def test_query_by_synonym_expands_to_term_synonyms_and_narrower_terms(business):
    assert subject_terms_expand(query=" 开店 ") == [
        "开办企业",
        "开店",
        "注册公司",
        "Start-up",
        "个体工商户登记",
        "企业设立登记",
        "名称预先核准",
    ]


def test_query_matches_labels_without_regard_to_case_or_spaces(business):
    assert subject_terms_expand(query="start-UP")[0] == "开办企业"


def test_narrower_term_expands_only_downwards(business):
    assert subject_terms_expand(query="企业设立登记") == ["企业设立登记", "名称预先核准"]


def test_unknown_or_empty_query_is_left_alone(business):
    assert subject_terms_expand(query="社保 ") == ["社保"]
    assert subject_terms_expand(query="  ") == []
    assert subject_terms_expand(query="开") == ["开"]  # no partial matches


def test_a_label_belongs_to_one_term_only(business):
    with pytest.raises(ValidationFailed) as raised:
        subject_term_save(actor=None, term="开公司", synonyms=["注册公司"])

    assert raised.value.fields["synonyms"] == [
        "A label of this term already belongs to the term 开办企业."
    ]


def test_broader_terms_never_form_a_cycle(business):
    leaf = subject_term_list(query="名称预先核准").get()

    with pytest.raises(ValidationFailed) as raised:
        subject_term_save(actor=None, term="开办企业", broader=[leaf])

    assert "broader" in raised.value.fields


def test_related_terms_are_symmetric_and_saving_is_audited(business):
    licence = subject_term_save(actor=None, term="营业执照", related=[business])

    assert list(business.related.all()) == [licence]
    assert AuditEntry.objects.filter(action="registry.subject_term_saved").count() == 5


def test_only_platform_administrators_maintain_the_thesaurus():
    admin = StaffRoleFactory(role=StaffRole.Role.DEPARTMENT_ADMIN).user

    with pytest.raises(PermissionDenied):
        subject_term_save(actor=admin, term="社会保险")
