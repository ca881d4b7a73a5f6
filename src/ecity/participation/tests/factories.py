"""factory_boy factories for consultations, comments, mailboxes and letters.

``LetterFactory()`` is a letter as ``letter_submit`` leaves it (received, reply due in 15
working days); ``LetterFactory(replied=True)`` has the department's reply.
``ConsultationFactory(open=True)`` accepts comments now; ``ConsultationFactory(closed=True)``
has ended. ``CommentFactory(published=True)`` passed moderation.
"""

from __future__ import annotations

import datetime as dt
import secrets

import factory
from django.utils import timezone

from ecity.identity.tests.factories import DepartmentFactory, UserFactory
from ecity.participation.models import Consultation, ConsultationComment, Letter, Mailbox


class MailboxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailbox

    code = factory.Sequence(lambda n: f"box{n}")
    kind = Mailbox.Kind.DEPARTMENT
    name_zh = factory.Sequence(lambda n: f"测试局{n}局长信箱")
    name_en = factory.Sequence(lambda n: f"Director's mailbox {n}")
    department = factory.SubFactory(DepartmentFactory)
    reply_limit_days = 15


class LetterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Letter

    class Params:
        replied = factory.Trait(
            status=Letter.Status.REPLIED,
            reply="您反映的问题已转交区城管局处理，工地已停止夜间施工。",
            replied_at=factory.LazyFunction(timezone.now),
        )

    mailbox = factory.SubFactory(MailboxFactory)
    number = factory.Sequence(lambda n: f"XJ-2026-TEST-{n:06d}")
    query_code = factory.LazyFunction(lambda: secrets.token_hex(4).upper())
    writer = factory.SubFactory(UserFactory)
    subject = "建议增加社区公交线路"
    body = "我住在江岸区某小区，附近没有公交站，老人出行很不方便，建议增开社区巴士。"
    consent_to_publish = True
    received_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=21))


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    class Params:
        open = factory.Trait(status=Consultation.Status.OPEN)
        closed = factory.Trait(
            status=Consultation.Status.CLOSED,
            opens_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1)),
        )

    title = "《示范市养犬管理条例（征求意见稿）》"
    introduction = "为规范养犬行为，现公开征求社会各界意见。"
    draft_text = (
        "第一条 为了规范养犬行为，制定本条例。\n"
        "第二条 本条例适用于本市行政区域。\n"
        "第三条 携犬出户应当束犬链。"
    )
    department = factory.SubFactory(DepartmentFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=29))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationComment

    class Params:
        published = factory.Trait(
            status=ConsultationComment.Status.PUBLISHED,
            moderated_at=factory.LazyFunction(timezone.now),
        )

    consultation = factory.SubFactory(ConsultationFactory, open=True)
    author = factory.SubFactory(UserFactory, is_real_name_verified=True)
    author_name = factory.LazyAttribute(lambda o: o.author.real_name)
    section = "第三条"
    body = "建议明确犬链长度不超过1.5米。"
