"""Authentication backend: the account is loaded with its anchors and the party anchor's roll-up.

Every page reads the scope (the anchor's path) and most read the anchor's counts; the cadre pages
read the unit anchor's path. Loading them with the user saves up to three queries a request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from zugong.accounts.models import User


class ScopedModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = (
            User._default_manager.select_related(
                "anchor_org__rollup", "anchor_org__category", "anchor_unit"
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
