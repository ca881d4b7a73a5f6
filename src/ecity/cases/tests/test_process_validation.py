"""Uploaded BPMN files: what is accepted, and the message for each kind of problem."""

from __future__ import annotations

import pytest

from ecity.cases.tests.process_support import bpmn_file, in_english  # noqa: F401
from ecity.workflow.bpmn import ProcessInvalid, process_validate

pytestmark = pytest.mark.django_db


def problems(xml, **kwargs) -> list[str]:
    with pytest.raises(ProcessInvalid) as caught:
        process_validate(xml, **kwargs)
    return caught.value.errors


def test_joint_process_with_lanes_is_valid_and_names_departments_roles_and_kinds(joint):
    spec = process_validate(bpmn_file("joint_lanes"))

    assert spec.process_id == "food_licence"
    assert spec.name == "食品经营许可"
    assert {t.id: (t.department_code, t.role, t.kind) for t in spec.tasks.values()} == {
        "Accept": ("SCJ", "counter_clerk", "accept"),
        "ReviewMarket": ("SCJ", "reviewer", "review"),
        "ReviewHealth": ("WJW", "reviewer", "review"),
        "ReviewFire": ("XFJ", "reviewer", "review"),
        "Decide": ("SCJ", "approver", "decide"),
    }
    assert spec.department_codes == ["SCJ", "WJW", "XFJ"]
    assert spec.max_parallel_branches == 3
    assert "ReviewFire" in spec.spiff_spec.task_specs


def test_attributes_and_extension_properties_assign_departments_without_lanes(joint):
    spec = process_validate(bpmn_file("conditional"), allowed_names=["area", "shop_name"])

    assert spec.tasks["ReviewFire"].department_code == "XFJ"  # camunda:property ecity:department
    assert spec.tasks["ReviewHealth"].department_code == "WJW"  # ecity:department attribute
    assert spec.tasks["Decide"].kind == "decide"


def test_timer_events_with_durations_are_valid(joint):
    spec = process_validate(bpmn_file("timers"))

    assert spec.timers == {"ReviewTimeout": "PT1H", "Publicity": "P5D"}


def test_script_task_is_an_unknown_or_forbidden_element(joint):
    errors = problems(bpmn_file("script_task"))

    assert "scriptTask “Clean up” (Hack): unknown or forbidden element." in errors
    assert "Scripts are not allowed (found in scriptTask “Clean up” (Hack))." in errors


@pytest.mark.parametrize(
    "element", ["serviceTask", "sendTask", "receiveTask", "businessRuleTask", "callActivity"]
)
def test_other_executable_elements_are_forbidden(joint, element):
    xml = bpmn_file("joint_lanes").replace(
        '<bpmn:userTask id="ReviewFire" name="消防审查">', f'<bpmn:{element} id="ReviewFire">'
    )
    xml = xml.replace(
        "<bpmn:outgoing>F8</bpmn:outgoing>\n    </bpmn:userTask>",
        f"<bpmn:outgoing>F8</bpmn:outgoing>\n    </bpmn:{element}>",
    )

    assert f"{element} ReviewFire: unknown or forbidden element." in problems(xml)


def test_python_condition_is_refused(joint):
    errors = problems(bpmn_file("python_condition"))

    assert any(
        e.startswith("sequenceFlow F_evil: condition “__import__('os').system('id') == 0”")
        and "function calls" in e
        for e in errors
    ), errors


def test_condition_in_another_language_is_refused(joint):
    xml = bpmn_file("conditional").replace(
        'xsi:type="bpmn:tFormalExpression">',
        'xsi:type="bpmn:tFormalExpression" language="python">',
    )

    assert any("the condition language python is not supported" in e for e in problems(xml))


def test_condition_on_an_unknown_field_is_refused_when_fields_are_known(joint):
    errors = problems(bpmn_file("conditional"), allowed_names=["area"])

    assert (
        'sequenceFlow “≥ 500 m²” (F_big): condition “area >= 500 and shop_name != ""”: '
        "Unknown field shop_name." in errors
    )


def test_spiff_pre_script_extension_is_refused(joint):
    assert problems(bpmn_file("spiff_prescript")) == [
        "userTask “受理” (Accept): extension preScript can carry code and is not allowed."
    ]


def test_camunda_expression_attribute_is_refused(joint):
    xml = bpmn_file("conditional").replace(
        '<bpmn:userTask id="Accept" name="受理"',
        '<bpmn:userTask id="Accept" name="受理" camunda:assignee="${execution.getVariable(1)}"',
    )

    assert "userTask “受理” (Accept): attribute assignee carries code and is not allowed." in (
        problems(xml)
    )


def test_task_without_lane_or_attributes_has_no_department(joint):
    assert problems(bpmn_file("missing_department")) == [
        "userTask “审查” (Review) has no department: put it in a lane named “CODE:role” (for "
        "example “SCJ:reviewer”) or give it the attribute ecity:department.",
        "userTask “审查” (Review) has no role: name its lane “CODE:role” or give it the "
        "attribute ecity:role.",
    ]


def test_unknown_department_code_is_refused(joint):
    assert problems(bpmn_file("unknown_department")) == [
        "userTask “公安审查” (Review): there is no active department with the code GAJ."
    ]


def test_inactive_department_is_refused(joint):
    joint.fire.is_active = False
    joint.fire.save()

    assert problems(bpmn_file("joint_lanes")) == [
        "userTask “消防审查” (ReviewFire): there is no active department with the code XFJ."
    ]


def test_unknown_role_is_refused(joint):
    xml = bpmn_file("joint_lanes").replace('name="WJW:reviewer"', 'name="WJW:boss"')

    errors = problems(xml)

    assert len(errors) == 1
    assert errors[0].startswith("userTask “卫生审查” (ReviewHealth): the role boss is not one of")


def test_unreachable_task_is_named(joint):
    assert problems(bpmn_file("unreachable")) == [
        "Unreachable userTask “卫生审查” (Orphan): no path leads to it from the start event."
    ]


def test_dead_end_is_named(joint):
    xml = bpmn_file("joint_lanes").replace(
        '<bpmn:sequenceFlow id="F8" sourceRef="ReviewFire" targetRef="Join" />', ""
    )

    errors = problems(xml)

    assert (
        "userTask “消防审查” (ReviewFire) is a dead end: no path leads from it to an end "
        "event." in errors
    )


def test_too_many_parallel_branches_are_refused(joint, settings):
    settings.ECITY_MAX_PARALLEL_BRANCHES = 2

    assert problems(bpmn_file("joint_lanes")) == [
        "parallelGateway Split opens 3 parallel branches; at most 2 are allowed."
    ]


def test_exclusive_gateway_needs_a_default_flow(joint):
    xml = bpmn_file("conditional").replace(' default="F_small"', "")

    errors = problems(xml, allowed_names=["area", "shop_name"])

    assert any(
        e.startswith("exclusiveGateway “Large shop?” (BigShop) needs a default flow")
        for e in errors
    ), errors


@pytest.mark.parametrize(
    ("duration", "ok"),
    [("P5D", True), ("PT1H", True), ("P1Y2M3DT4H5M6S", True), ("P2W", True),
     ("5 days", False), ("'P5D'", False), ("P", False), ("PT", False), ("${delay}", False)],
)  # fmt: skip
def test_timers_need_an_iso_8601_duration(joint, duration, ok):
    xml = bpmn_file("timers").replace(">P5D<", f">{duration}<")

    if ok:
        assert process_validate(xml).timers["Publicity"] == duration
    else:
        assert any(
            e.startswith("intermediateCatchEvent “公示五天” (Publicity): a timer needs a duration")
            for e in problems(xml)
        )


def test_timer_date_is_refused(joint):
    xml = bpmn_file("timers").replace(
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P5D</bpmn:timeDuration>',
        "<bpmn:timeDate>2030-01-01T00:00:00</bpmn:timeDate>",
    )

    assert any("dates, cycles and expressions are not allowed" in e for e in problems(xml))


def test_reserved_spiff_id_is_refused(joint):
    xml = (
        bpmn_file("joint_lanes")
        .replace('"StartEvent"', '"Start"')
        .replace(">StartEvent<", ">Start<")
    )

    assert (
        "startEvent “申请已提交” (Start): the id Start is reserved by the process engine; "
        "rename it (for example Start_1)." in problems(xml)
    )


def test_xxe_payload_is_refused_and_never_read(joint):
    errors = problems(bpmn_file("xxe"))

    assert errors == ["The file must not contain a document type declaration (DOCTYPE)."]
    assert "root:" not in " ".join(errors)


def test_entity_expansion_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;'
        "</bpmn:definitions>"
    )

    assert problems(bomb) == ["The file must not contain a document type declaration (DOCTYPE)."]


def test_utf16_doctype_is_refused_after_safe_parsing():
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY s SYSTEM '
        '"file:///etc/passwd">]><bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&s;</bpmn:definitions>'
    ).encode("utf-16")

    assert problems(xml) == ["The file must not contain a document type declaration (DOCTYPE)."]


def test_oversized_and_malformed_files_are_refused():
    assert problems(b"<a>" + b" " * 1_000_001 + b"</a>") == [
        "The file is too large: at most 1000 KB are allowed."
    ]
    assert problems("<bpmn:definitions>")[0].startswith("The file is not well-formed XML")
    assert problems("<definitions/>") == [
        "The file is not a BPMN 2.0 document (the root must be bpmn:definitions)."
    ]


def test_two_processes_are_refused(joint):
    xml = bpmn_file("conditional").replace(
        "</bpmn:definitions>", '<bpmn:process id="other" isExecutable="true"/></bpmn:definitions>'
    )

    assert problems(xml) == [
        "A file must contain exactly one executable process; this one has 2. Mark the pools of "
        "the applicant and of other parties as not executable (in the modeller: untick "
        "“Executable”)."
    ]


def test_a_collaboration_runs_its_one_executable_pool_and_only_draws_the_others(joint):
    # Given a file as a modeller writes it: the applicant's pool and an outside party's pool,
    # not executable, beside the bureau's executable pool with lanes and message flows
    spec = process_validate(bpmn_file("collaboration_pools"))

    # Then only the executable pool is the process, and only its tasks run
    assert spec.process_id == "Process_food"
    assert {t.id: (t.department_code, t.role, t.kind) for t in spec.tasks.values()} == {
        "Activity_accept": ("SCJ", "counter_clerk", "accept"),
        "Activity_review": ("WJW", "reviewer", "review"),
        "Activity_decide": ("SCJ", "approver", "decide"),
    }
    assert "Activity_review" in spec.spiff_spec.task_specs
    assert "Activity_apply" not in spec.spiff_spec.task_specs


def test_a_collaboration_needs_exactly_one_executable_pool(joint):
    xml = bpmn_file("collaboration_pools").replace(
        '<bpmn:process id="Process_applicant" name="申请人" isExecutable="false">',
        '<bpmn:process id="Process_applicant" name="申请人" isExecutable="true">',
    )

    errors = problems(xml)

    assert errors[0].startswith(
        "A file must contain exactly one executable process; this one has 2."
    )


def test_every_problem_is_reported_in_one_pass_naming_each_element(joint):
    # Given a process with a message start event, a message end event, a service task and a
    # condition with a power, all at once
    xml = bpmn_file("conditional")
    xml = xml.replace(
        '<bpmn:startEvent id="StartEvent">',
        '<bpmn:startEvent id="StartEvent" name="申请已提交"><bpmn:messageEventDefinition />',
    )
    xml = xml.replace(
        '<bpmn:endEvent id="EndEvent">',
        '<bpmn:endEvent id="EndEvent" name="办结"><bpmn:messageEventDefinition />',
    )
    xml = xml.replace("area &gt;= 500", "area ** 2 &gt;= 250000")

    errors = problems(xml, allowed_names=["area", "shop_name"])

    # Then each event definition is named with its event, once, and the condition problem
    # comes in the same answer, in words
    assert (
        "messageEventDefinition in startEvent “申请已提交” (StartEvent): unknown or forbidden "
        "element." in errors
    )
    assert (
        "messageEventDefinition in endEvent “办结” (EndEvent): unknown or forbidden element."
        in errors
    )
    assert any("Not allowed: powers (**)." in e for e in errors), errors
    assert len(errors) == len(set(errors))
    assert not any("Pow" in e or "Store" in e for e in errors)


def test_non_executable_process_is_refused(joint):
    xml = bpmn_file("conditional").replace('isExecutable="true"', 'isExecutable="false"')

    assert any("is not executable" in e for e in problems(xml, allowed_names=None))


def test_kind_inference_needs_acceptance_and_decision(joint):
    xml = bpmn_file("conditional").replace(
        'ecity:role="approver"\n                   ecity:kind="decide"',
        'ecity:role="approver"\n                   ecity:kind="review"',
    )

    assert problems(xml) == ["The process has no decision task (kind decide)."]


def test_engine_variant_skips_the_department_lookup(joint):
    spec = process_validate(bpmn_file("unknown_department"), check_departments=False)

    assert spec.tasks["Review"].department_code == "GAJ"


def test_messages_are_translated_into_chinese(joint):
    from django.utils import translation

    with translation.override("zh-hans"):
        errors = problems(bpmn_file("script_task"))

    assert "scriptTask “Clean up” (Hack)：未知或禁止使用的元素。" in errors
