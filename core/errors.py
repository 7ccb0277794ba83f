"""One error type for every refusal, rendered the same by the API and by screens.

A service refuses with DomainError(code, message, path): `code` is a stable machine
word (the API code, the log key and the test assertion), `message` a translated
sentence that says what is wrong and what to do, `path` where it applies.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorDetail:
    code: str
    message: str
    path: str = ""
    reason: str = ""  # a finer stable code under `code`, where one helps (e.g. why a barcode was refused)

    def as_dict(self) -> dict[str, str]:
        body = {"code": self.code, "message": str(self.message), "path": self.path}
        if self.reason:
            body["reason"] = self.reason
        return body


class DomainError(Exception):
    """A refusal by a rule. `status` is the HTTP status both interfaces answer with."""

    status = 422

    def __init__(self, code: str, message: str, path: str = "", *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.errors: list[ErrorDetail] = [ErrorDetail(code, message, path)]
        if status is not None:
            self.status = status

    @classmethod
    def many(cls, errors: Iterable[ErrorDetail], *, status: int | None = None) -> "DomainError":
        items = list(errors)
        if not items:
            raise ValueError("DomainError.many needs at least one error")
        error = cls(items[0].code, items[0].message, items[0].path, status=status)
        error.errors = items
        return error

    @property
    def code(self) -> str:
        return self.errors[0].code

    @property
    def message(self) -> str:
        return str(self.errors[0].message)

    @property
    def path(self) -> str:
        return self.errors[0].path

    def as_body(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": [error.as_dict() for error in self.errors]}


class Malformed(DomainError):
    """The request cannot be read at all (400)."""

    status = 400


class Conflict(DomainError):
    """The current state forbids the request (409)."""

    status = 409


class NotFound(DomainError):
    """Unknown, or not visible to this identity (404): the two answer the same."""

    status = 404


class Forbidden(DomainError):
    """The identity may not do this (403)."""

    status = 403


def too_large() -> Malformed:
    """The body is over the size limit (413), refused before it is read."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    return Malformed(
        "too_large",
        _(
            "The request body is larger than {limit} bytes. Send a smaller document, or ask the "
            "administrator to raise RELEASE_MAX_BYTES."
        ).format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        status=413,
    )


@contextmanager
def unique_or_conflict(error: DomainError) -> Iterator[None]:
    """An insert that another request may have made first: its unique constraint's IntegrityError
    becomes the same coded refusal the check before it gives (check-then-insert races)."""
    from django.db import IntegrityError, transaction

    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise error from None


def error_response(status: int, code: str, message: str, path: str = ""):
    """The API's error body as a plain Django response, for code outside DRF (middleware, handlers)."""
    from django.http import JsonResponse

    return JsonResponse(DomainError(code, message, path, status=status).as_body(), status=status)
