"""服务包: requests for a service to a talent, their handling and satisfaction."""

from __future__ import annotations

__all__: list[str] = []
