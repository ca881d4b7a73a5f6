"""Themes and life events: the portal's ways to browse services (maintained by platform admins)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ecity.catalogue.models import LifeEvent, Theme
from ecity.core.errors import PermissionDenied, ValidationFailed
from ecity.identity.models import User
from ecity.org.selectors import is_platform_admin


def _topic_ensure(
    model: type[Theme] | type[LifeEvent],
    *,
    actor: User,
    code: str,
    audience: str,
    name_zh: str,
    name_en: str,
    description_zh: str,
    description_en: str,
    sort_order: int,
) -> tuple[Theme | LifeEvent, bool]:
    if not is_platform_admin(user=actor):
        raise PermissionDenied(_("Only a platform administrator can do this."))
    code = code.strip()
    topic = model.objects.select_for_update().filter(code=code).first()
    is_new = topic is None
    if topic is None:
        topic = model(code=code)
    topic.audience = audience
    topic.name_zh = name_zh.strip()
    topic.name_en = name_en.strip()
    topic.description_zh = description_zh.strip()
    topic.description_en = description_en.strip()
    topic.sort_order = sort_order
    try:
        topic.full_clean(validate_unique=is_new)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields=exc.message_dict) from exc
    topic.save()
    return topic, is_new


@transaction.atomic
def theme_ensure(
    *,
    actor: User,
    code: str,
    audience: str,
    name_zh: str,
    name_en: str = "",
    description_zh: str = "",
    description_en: str = "",
    sort_order: int = 0,
) -> tuple[Theme, bool]:
    """Create the theme ``code`` (services browsed by topic), or update it; return it and created.

    Rules: idempotent by code (a slug); audience from ``Audience``; the Chinese name is
    required. Permissions: platform administrators only. Errors: ``PermissionDenied``,
    ``ValidationFailed`` (field messages).
    """
    theme, created = _topic_ensure(
        Theme,
        actor=actor,
        code=code,
        audience=audience,
        name_zh=name_zh,
        name_en=name_en,
        description_zh=description_zh,
        description_en=description_en,
        sort_order=sort_order,
    )
    assert isinstance(theme, Theme)
    return theme, created


@transaction.atomic
def life_event_ensure(
    *,
    actor: User,
    code: str,
    audience: str,
    name_zh: str,
    name_en: str = "",
    description_zh: str = "",
    description_en: str = "",
    sort_order: int = 0,
) -> tuple[LifeEvent, bool]:
    """Create the life event ``code`` (births, starting a business …), or update it.

    Returns the life event and whether it was created. Rules: idempotent by code (a slug);
    audience from ``Audience``; the Chinese name is required. Permissions: platform
    administrators only. Errors: ``PermissionDenied``, ``ValidationFailed`` (field messages).
    """
    life_event, created = _topic_ensure(
        LifeEvent,
        actor=actor,
        code=code,
        audience=audience,
        name_zh=name_zh,
        name_en=name_en,
        description_zh=description_zh,
        description_en=description_en,
        sort_order=sort_order,
    )
    assert isinstance(life_event, LifeEvent)
    return life_event, created
