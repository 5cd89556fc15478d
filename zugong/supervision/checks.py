"""`manage.py check --deploy` warns when 举报 are encrypted with the key derived from SECRET_KEY."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def supervision_keys_configured(app_configs: object, **kwargs: object) -> list[Warning]:
    if settings.ZUGONG_SUPERVISION_KEYS:
        return []
    return [
        Warning(
            "ZUGONG_SUPERVISION_KEYS 未设置：举报内容用由 SECRET_KEY 派生的密钥加密。",
            hint="python -m zugong.supervision.keys 生成密钥，写入环境变量 ZUGONG_SUPERVISION_KEYS。",
            id="supervision.W001",
        )
    ]
