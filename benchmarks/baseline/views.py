"""A minimal submission view: what any Django application must do for the same request.

It receives the benchmark's multipart application in the same server, behind the same middleware
(session, authentication, CSRF, security headers), parses the same body, and inserts the rows an
ecity submission inserts (the case, one attachment per file with the file written to disk, the
``submitted`` event, the notifications of the three channels and the idempotency record), in one
transaction. It leaves out the platform's logic: no validation of the form or the files, no
idempotency check, no number sequence, no deadline, no encryption of files, no rate limit, no
permission check. The ratio ecity / baseline in one run shows what that logic costs.
"""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ecity.cases.models import Attachment, Case, CaseEvent
from ecity.catalogue.models import RequiredMaterial, ServiceItemVersion
from ecity.core.models import IdempotencyRecord
from ecity.notify.models import Notification


@require_POST
def baseline_submit(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"code": "not_authenticated"}, status=403)
    form = json.loads(request.POST["form"])
    version = (
        ServiceItemVersion.objects.select_related("item")
        .filter(item__code=request.POST["service"], item__current_version=F("pk"))
        .first()
    )
    materials = {
        f"material:{m.public_id}": m for m in RequiredMaterial.objects.filter(version=version)
    }
    folder = Path(settings.MEDIA_ROOT) / "baseline"
    folder.mkdir(parents=True, exist_ok=True)
    user = request.user
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            number="B-" + secrets.token_hex(8),
            query_code=secrets.token_hex(4),
            service_version=version,
            department_id=version.item.department_id,
            applicant=user,
            applicant_name=user.get_full_name() or user.username,
            channel=Case.Channel.ONLINE,
            form_data=form,
            submitted_at=now,
        )
        for key, upload in request.FILES.items():
            name = f"baseline/{uuid.uuid4().hex}.pdf"
            with (Path(settings.MEDIA_ROOT) / name).open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            attachment = Attachment(
                case=case,
                material=materials[key],
                original_name=upload.name,
                content_type=upload.content_type,
                size=upload.size,
                uploaded_by=user,
            )
            attachment.file.name = name
            attachment.save()
        CaseEvent.objects.create(case=case, action=CaseEvent.Action.SUBMITTED, actor=user)
        for channel in ("in_app", "email", "sms"):
            Notification.objects.create(
                recipient=user,
                channel=channel,
                event="case_submitted",
                body=case.number,
                idempotency_key=f"baseline:{case.public_id}",
            )
        IdempotencyRecord.objects.create(
            key=request.headers.get("Idempotency-Key", ""), user=user, scope="baseline"
        )
    return JsonResponse({"number": case.number}, status=201)
