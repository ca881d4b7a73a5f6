"""Broker subjects mirror exchange identifiers, and no identifier can break out of its token."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecity.core.errors import ValidationFailed
from ecity.exchange.transport.subjects import (
    envelope_subject,
    stream_name,
    subject_token,
    subject_token_unescape,
    subsystem_subject,
    topic_subject,
)


@pytest.fixture
def wuhan(settings):
    """This node is the Wuhan instance with the default prefix."""
    settings.ECITY_EXCHANGE_INSTANCE = "CN-WH"
    settings.ECITY_NATS_SUBJECT_PREFIX = "ecity"
    settings.ECITY_NATS_STREAM = ""


def test_topic_subject_keeps_the_topic_hierarchy(wuhan):
    assert topic_subject("registry.person.changed") == "ecity.CN-WH.topic.registry.person.changed"


def test_subsystem_subject_escapes_dots_inside_identifier_parts(wuhan):
    subject = subsystem_subject("CN-WH/GOV/gaj.hz/hukou_v2")

    assert subject == "ecity.CN-WH.sub.GOV.gaj~2Ehz.hukou_v2"


def test_wildcards_spaces_and_chinese_cannot_form_their_own_tokens():
    assert subject_token("a*b >c") == "a~2Ab~20~3Ec"
    assert subject_token("公安") == "~E5~85~AC~E5~AE~89"
    assert subject_token("") == "~"


def test_envelope_travels_on_its_topic_else_its_receiver(wuhan):
    assert envelope_subject({"topic": "cases.case.decided", "receiver": "CN-WH/GOV/A/B"}) == (
        "ecity.CN-WH.topic.cases.case.decided"
    )
    assert envelope_subject({"receiver": "CN-WH/GOV/A/B"}) == "ecity.CN-WH.sub.GOV.A.B"
    assert envelope_subject({}) == "ecity.CN-WH.untargeted"


def test_malformed_receiver_is_refused_naming_the_field(wuhan):
    with pytest.raises(ValidationFailed) as refused:
        subsystem_subject("CN-WH/GOV/only-three")

    assert "receiver" in refused.value.fields


def test_stream_is_named_after_prefix_and_instance_unless_configured(wuhan, settings):
    assert stream_name() == "ecity-CN-WH"
    settings.ECITY_NATS_STREAM = "WH_EXCHANGE"
    assert stream_name() == "WH_EXCHANGE"


@given(st.text(max_size=40))
def test_escaping_is_reversible_and_yields_one_safe_token(text):
    token = subject_token(text)

    assert subject_token_unescape(token) == text
    assert token and not any(c in token for c in ".*> \t\n")


def test_broker_tests_fail_under_ci_and_skip_elsewhere_when_nats_is_down(settings, monkeypatch):
    from ecity.exchange.tests.conftest import nats_required

    settings.ECITY_NATS_URL = "nats://127.0.0.1:9"  # nothing listens there

    monkeypatch.setenv("CI", "true")
    with pytest.raises(
        pytest.fail.Exception, match=r"CI=true and NATS JetStream at nats://127\.0\.0\.1:9"
    ):
        nats_required()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=r"scripts/test\.sh starts nats-server"):
        nats_required()
