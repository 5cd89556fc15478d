from __future__ import annotations

from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "zugong.cadres"
    label = "cadres"
    verbose_name = "干部"
