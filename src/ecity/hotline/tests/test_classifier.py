"""The dispatch classifier: learns departments from closed tickets, ranks after the rules."""

from __future__ import annotations

import random
import re
from io import StringIO
from typing import Any, cast

import pytest
from django.core.management import call_command

from ecity.hotline.classifier import classifier_train, model_load, model_path, train
from ecity.hotline.models import Ticket
from ecity.hotline.selectors.suggestions import dispatch_suggest
from ecity.hotline.tests.factories import CategoryFactory, TicketFactory
from ecity.identity.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

# Small generated training set: three departments, each with its own vocabulary.
_TEXTS = {
    "STJ": [
        ("{place}夜间施工噪音扰民", "{place}工地每天晚上十点后还在施工，噪音很大，影响休息。"),
        ("{place}广场舞音响噪音", "{place}广场舞音响声音太大，分贝超标，老人孩子无法休息。"),
        ("{place}餐馆排放油烟", "{place}楼下餐馆油烟直排，气味刺鼻，窗户都不敢开。"),
        ("{place}工厂排放废气", "{place}附近工厂夜间偷排废气，空气有刺鼻气味。"),
    ],
    "RSJ": [
        ("{place}工地拖欠农民工工资", "我在{place}工地干了三个月，老板拖欠工资两万元不给。"),
        ("{place}公司欠薪", "{place}一家公司已经两个月没有发工资，要求劳动监察介入。"),
        ("{place}社保断缴", "单位没有给我缴纳社保，{place}的公司说等效益好再补。"),
    ],
    "JTJ": [
        ("{place}公交线路调整", "{place}的公交线路取消了，希望恢复站点，方便老人出行。"),
        ("{place}公交车不按站停靠", "{place}站的公交车经常不停靠，司机态度差。"),
        ("{place}出租车拒载", "在{place}打出租车，司机嫌距离近拒载。"),
    ],
}
_PLACES = ["东华街道", "和平里", "江滨花园", "望湖社区", "科创园", "解放路", "渔港码头"]


def _rows(count: int = 120, seed: int = 1) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        code = list(_TEXTS)[index % len(_TEXTS)]
        title, description = rng.choice(_TEXTS[code])
        place = rng.choice(_PLACES)
        rows.append((f"{title.format(place=place)}\n{description.format(place=place)}", code))
    return rows


@pytest.fixture
def data_dir(settings, tmp_path):
    # Each test its own model file: a model in the shared data dir would change others' rankings.
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_classifier_routes_unseen_noise_text_to_environment_department(data_dir):
    # Given a classifier trained on generated closed tickets of three departments
    model = train(_rows())
    # When it reads a noise complaint worded unlike any training text
    predictions = model.predict("小区旁边酒吧凌晨还在放音乐，噪音吵得睡不着觉")
    # Then the environment department comes first, with the top three scored best first
    assert predictions[0].department_code == "STJ"
    assert len(predictions) == 3
    assert predictions[0].score > predictions[1].score >= predictions[2].score
    assert abs(sum(p.score for p in predictions) - 1.0) < 1e-6


def test_stored_model_reads_back_as_arrays_and_predicts_the_same(data_dir):
    # Given a model trained on the closed tickets and stored in the data dir
    model = classifier_train(_rows())
    assert model is not None
    # When it is read back from its file
    loaded = model_load(model_path())
    # Then it is the same model (same departments and probabilities) from data_dir
    assert model_path().parent.parent == data_dir
    assert loaded is not None and loaded.classes == model.classes
    text = "公司拖欠工资三个月"
    assert [p.department_code for p in loaded.predict(text)] == [
        p.department_code for p in model.predict(text)
    ]
    assert loaded.predict(text)[0].department_code == "RSJ"


def test_a_pickled_file_in_place_of_the_model_is_not_loaded(data_dir):
    # Given a file that is a pickle, not our arrays, where the model belongs
    path = model_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x80\x04\x95cos\nsystem\n.")
    # When the model is loaded
    # Then nothing is loaded (and nothing is unpickled)
    assert model_load(path) is None


def test_too_few_closed_tickets_train_no_model(data_dir):
    # Given closed tickets of a single department
    rows = [(text, "STJ") for text, _ in _rows(40)]
    # When the classifier is trained
    # Then no model is stored
    assert classifier_train(rows) is None
    assert not model_path().exists()


def _percent(text: str, label: str) -> float:
    found = re.search(rf"{label} accuracy: ([\d.]+)%", text)
    assert found is not None, text
    return float(found.group(1))


def _ticket(**values: object) -> Ticket:
    return cast(Ticket, TicketFactory(**values))


def _closed_tickets(count: int = 90) -> dict[str, Any]:
    departments = {code: DepartmentFactory(code=code) for code in _TEXTS}
    for index, (text, code) in enumerate(_rows(count)):
        title, description = text.split("\n", 1)
        TicketFactory(
            closed=True,
            title=title,
            description=description,
            category=CategoryFactory(department=departments[code]),
            number=f"T-{index}",
        )
    return departments


def test_evaluate_prints_top1_and_top3_accuracy_on_held_out_split(data_dir):
    # Given 90 closed tickets of three departments
    _closed_tickets()
    out = StringIO()
    # When the classifier is evaluated
    call_command("hotline_classifier", "evaluate", stdout=out)
    # Then it reports training on 72 and testing on 18 held-out tickets, with both accuracies
    text = out.getvalue()
    assert "Trained on 72 tickets, tested on 18 held-out tickets of 3 departments" in text
    top1, top3 = _percent(text, "top-1"), _percent(text, "top-3")
    assert top1 > 80 and top3 == 100.0
    # And evaluating does not store a model
    assert not model_path().exists()


def test_train_command_stores_model_used_by_suggestions_after_the_rules(hotline, data_dir):
    # Given closed tickets teaching that wage arrears go to the labour department
    departments = _closed_tickets()
    call_command("hotline_classifier", "train", stdout=StringIO())
    assert model_path().exists()
    # And a new wage-arrears ticket filed under a category whose usual department is 城管局
    ticket = _ticket(
        category=hotline["roads"],
        title="饭店老板拖欠工资",
        description="我在饭店打工半年，老板拖欠工资八千元一直不给。",
    )
    # When the dispatcher asks for suggestions
    suggestions = dispatch_suggest(ticket)
    # Then the usual department (a rule) stays first, the classifier's department follows
    assert suggestions[0].department == hotline["urban"]
    assert suggestions[1].department == departments["RSJ"]
    assert "resembles" in suggestions[1].reason or "%" in suggestions[1].reason
    assert suggestions[0].score > suggestions[1].score


def test_ticket_without_category_gets_classifier_suggestions(hotline, data_dir):
    # Given a trained classifier
    departments = _closed_tickets()
    call_command("hotline_classifier", "train", stdout=StringIO())
    # When a noise ticket without category asks for suggestions
    ticket = _ticket(
        category=None, title="楼上深夜噪音", description="楼上邻居装修电钻声音很大，晚上也施工。"
    )
    suggestions = dispatch_suggest(ticket)
    # Then the environment department is suggested first
    assert suggestions[0].department == departments["STJ"]


def test_without_a_model_suggestions_come_from_rules_and_history(hotline, data_dir):
    # Given no trained model
    assert not model_path().exists()
    # When a categorised ticket asks for suggestions
    suggestions = dispatch_suggest(_ticket(category=hotline["roads"]))
    # Then the usual department is suggested for the rule alone
    assert [s.department for s in suggestions] == [hotline["urban"]]
