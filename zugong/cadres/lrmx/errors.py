"""The one error type of the LRMX codec: a Chinese message a user can act on."""

from __future__ import annotations


class LrmxError(ValueError):
    """A file or value that cannot be read or written as a 干部任免审批表.

    `message` is the Chinese explanation (field and rule), `source` the file name when known and
    `element` the LRMX element concerned, so callers can show or group the problem.
    """

    def __init__(self, message: str, *, source: str = "", element: str = "") -> None:
        self.message = message
        self.source = source
        self.element = element
        super().__init__(f"{source}：{message}" if source else message)

    def with_source(self, source: str) -> LrmxError:
        """The same error naming the file it came from (used when a reader knows the name)."""
        if self.source or not source:
            return self
        return LrmxError(self.message, source=source, element=self.element)
