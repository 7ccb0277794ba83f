"""Token authentication and Idempotency-Key handling, for the API and the tablet forms alike."""

import hashlib
import logging
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import contention
from core.errors import error_response, too_large
from core.models import ApiToken, IdempotencyKey, User
from core.types import TokenHttpRequest

logger = logging.getLogger(__name__)

FORM_FIELD = "idempotency_key"
HEADER = "Idempotency-Key"


class ApiErrorBodyMiddleware:
    """Under /api/, an unknown address (404) or a method the address does not take (405) answers
    the API's JSON error body, whoever produced it (Django's resolver, DEBUG's technical page, a
    plain view's `require_GET`), so an integrator never parses an HTML page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code == 404:
            return error_response(
                404, "not_found", _("Nothing here: check the address against the API docs at /api/v1/docs/.")
            )
        allowed = response.get("Allow", "")
        answer = error_response(
            405,
            "method_not_allowed",
            _("{method} is not offered at this address; use {offered}.").format(
                method=request.method, offered=allowed or "GET"
            ),
        )
        if allowed:
            answer["Allow"] = allowed
        return answer


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# A form body Django cannot read: a multipart body without (or with a broken) boundary, too many fields.
UNREADABLE_BODY = (MultiPartParserError, TooManyFilesSent, TooManyFieldsSent)


def malformed_body_response() -> HttpResponse:
    """400 with the API's JSON error body for a form body that cannot be read."""
    return error_response(
        400,
        "malformed_body",
        _(
            "The request body cannot be read: a multipart/form-data body needs a boundary in its "
            "Content-Type and parts that follow it. Send the form again as the browser or client builds it."
        ),
    )


def _refuse(request: HttpRequest, status: int, code: str, message: str, path: str = "") -> HttpResponse:
    """The API's JSON error body under /api/ and for scripts (HTMX, JSON clients); a styled page
    on screens."""
    wants_page = (
        not request.path.startswith("/api/")
        and request.headers.get("HX-Request") != "true"
        and "text/html" in request.headers.get("Accept", "text/html")
    )
    if not wants_page:
        return error_response(status, code, message, path)
    return render(request, "core/bad_request.html", {"message": message}, status=status)


def _has_nul(values) -> str | None:
    """The name of the first key or value of a QueryDict holding a NUL byte, else None."""
    for key, items in values.lists():
        if "\x00" in key:
            return key.replace("\x00", "")
        for item in items:
            if isinstance(item, str) and "\x00" in item:
                return key
    return None


class RequestInputMiddleware:
    """Refuse input no view can store before any view sees it: a NUL byte in the address or in a
    query or form value (PostgreSQL cannot hold one in text), and a form body that cannot be read.
    400, with the API's JSON error body under /api/ and a plain page on screens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in request.path_info:
            return _refuse(
                request,
                400,
                "nul_byte",
                _(
                    "The address holds a NUL byte (%00), which no name or code may contain: "
                    "correct the address."
                ),
            )
        name = _has_nul(request.GET)
        if name is not None:
            return _refuse(
                request,
                400,
                "nul_byte",
                _("The query parameter '{name}' holds a NUL byte (%00): send it without one.").format(
                    name=name
                ),
                "/" + name,
            )
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                name = _has_nul(request.POST)
            except UNREADABLE_BODY:
                return malformed_body_response()
            except RequestDataTooBig:
                error = too_large()
                return JsonResponse(error.as_body(), status=error.status)
            if name is not None:
                return _refuse(
                    request,
                    400,
                    "nul_byte",
                    _("The field '{name}' holds a NUL byte (%00): enter it without one.").format(name=name),
                    "/" + name,
                )
        return self.get_response(request)


class TokenAuthenticationMiddleware:
    """`Authorization: Token <key>` makes the request act as the token's identity, for every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: TokenHttpRequest) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _sep, key = header.partition(" ")
            if scheme.lower() != "token" or not key.strip():
                return error_response(
                    401, "authentication_failed", _("Send the API key as 'Authorization: Token <key>'.")
                )
            token = (
                ApiToken.objects.active()
                .select_related("identity")
                .filter(key_hash=ApiToken.hash_key(key.strip()))
                .first()
            )
            if token is None:
                return error_response(
                    401, "authentication_failed", _("The API token is not valid or was revoked.")
                )
            request.user = token.identity
            request.api_token = token
            now = timezone.now()
            # Touch at most once a minute: a write per request would serialise busy integrations.
            if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return self.get_response(request)


def _request_hash(request: HttpRequest) -> str:
    if request.method is None:  # Django sets it on every request it serves
        raise ValueError("A request without a method cannot be hashed.")
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0" + request.get_full_path().encode() + b"\0")
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # The CSRF token may be rotated between a tap and its retry; it is not part of the intent.
        for key in sorted(request.POST):
            if key == "csrfmiddlewaretoken":
                continue
            for value in request.POST.getlist(key):
                digest.update("{}={}\0".format(key, value).encode())
        for key in sorted(request.FILES):
            for upload in request.FILES.getlist(key):
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)  # the view reads the same file after this
    else:
        digest.update(request.body)
    return digest.hexdigest()


class RetriedHttpRequest(HttpRequest):
    """A request IdempotencyMiddleware runs in a retried transaction: `_run` sets `_lost_race`
    (None) before each attempt; `process_exception` marks it with the error that lost the race."""

    _lost_race: BaseException | None


class _LostRace(Exception):
    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def _queued_messages(request: HttpRequest) -> list | None:
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", None)
    return list(queued) if queued is not None else None


def _rewind(request: HttpRequest, messages: list | None) -> None:
    """Put the request back as it came in, for the next try: uploads at their start, no message
    queued by the rolled-back try. (Form fields and a JSON body are read from Django's caches.)"""
    for key in request.FILES:
        for upload in request.FILES.getlist(key):
            upload.seek(0)
    storage = getattr(request, "_messages", None)
    if messages is not None and storage is not None:  # messages were read off this storage
        storage._queued_messages = list(messages)


def busy_response(request: HttpRequest, busy: "contention.Busy") -> HttpResponse:
    """The coded refusal after the last lost race (503, `busy_try_again`): the API's JSON error body;
    a screen reloads (nothing was recorded; what it shows must be current)."""
    response = JsonResponse(busy.as_body(), status=busy.status)
    response["Retry-After"] = "1"
    if request.headers.get("HX-Request") == "true":
        response["HX-Refresh"] = "true"
    return response


class IdempotencyMiddleware:
    """A POST carrying an Idempotency-Key (header, or the `idempotency_key` form field) runs once.

    The view and the stored answer share one transaction: either both are committed or
    neither is, so a retry after a dropped network finds the first answer (invariant 8).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: RetriedHttpRequest) -> HttpResponse:
        user = request.user
        if request.method != "POST" or not user.is_authenticated:
            return self.get_response(request)
        key = request.headers.get(HEADER)
        try:
            if key is None and request.content_type in FORM_TYPES:
                key = request.POST.get(FORM_FIELD)
        except UNREADABLE_BODY:
            return malformed_body_response()
        if not key:
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > 255:
            return error_response(
                400, "invalid_idempotency_key", _("The Idempotency-Key must be 1 to 255 characters.")
            )
        try:
            request_hash = _request_hash(request)
        except UNREADABLE_BODY:
            return malformed_body_response()
        except RequestDataTooBig:
            error = too_large()
            return JsonResponse(error.as_body(), status=error.status)
        replay = self._replay(request, user, key, request_hash)
        if replay is not None:
            return replay
        try:
            return self._run(request, key, request_hash)
        except IntegrityError:
            # A concurrent request with the same key committed first: this one's effects were rolled back.
            replay = self._replay(request, user, key, request_hash)
            if replay is None:
                raise
            return replay
        except contention.Busy as busy:
            return busy_response(request, busy)

    def _run(self, request: RetriedHttpRequest, key: str, request_hash: str) -> HttpResponse:
        """The view and its stored answer in one transaction, run again whole (up to
        `contention.ATTEMPTS` times) when PostgreSQL ends it for a deadlock or a serialization
        failure. A rolled-back attempt leaves nothing: no rows, no stored answer, no on_commit
        callback (Django drops them with the rollback), no queued message."""
        if request.method is None:  # Django sets it on every request it serves
            raise ValueError("A request without a method cannot be stored under an Idempotency-Key.")
        attempt = 0
        messages = _queued_messages(request)
        while True:
            attempt += 1
            request._lost_race = None
            try:
                with transaction.atomic():
                    response = self.get_response(request)
                    if request._lost_race is not None:
                        raise _LostRace(request._lost_race)
                    if response.status_code < 500 and not response.streaming:
                        actor = request.user  # read after the view: a tablet's sign-in view switches it
                        if not actor.is_authenticated:
                            raise ValueError(
                                "An anonymous request's answer cannot be stored under an Idempotency-Key."
                            )
                        IdempotencyKey.objects.create(
                            actor=actor,
                            key=key,
                            request_hash=request_hash,
                            method=request.method,
                            path=request.get_full_path()[:500],
                            response_status=response.status_code,
                            response_content_type=response.get("Content-Type", ""),
                            response_body=response.content,
                            response_headers={
                                name: response[name]
                                for name in ("Location", "HX-Trigger", "HX-Redirect", "Vary")
                                if name in response
                            },
                        )
                return response
            except _LostRace as lost:
                error = lost.error
            except DatabaseError as failure:  # the stored answer's insert can lose a race too
                if not contention.is_retryable(failure):
                    raise
                error = failure
            contention.lost_race(error, attempt=attempt, where="{} {}".format(request.method, request.path))
            _rewind(request, messages)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view that lost a race to the database: answer a placeholder (no 500, nothing logged as a
        server error); `_run` sees the mark, rolls the attempt back and runs it again."""
        if not contention.is_retryable(exception):
            return None
        if hasattr(request, "_lost_race"):
            request._lost_race = exception
            return HttpResponse(status=503)
        # No request transaction to run again (no Idempotency-Key): the services retry their own
        # transactions; one that still lost is refused as busy, not answered with a 500.
        logger.warning(
            "contention: %s %s lost a race outside a retried transaction (SQLSTATE %s)",
            request.method,
            request.path,
            contention.sqlstate(exception),
        )
        return busy_response(request, contention.Busy())

    @staticmethod
    def _replay(request: HttpRequest, user: User, key: str, request_hash: str) -> HttpResponse | None:
        stored = IdempotencyKey.objects.filter(actor=user, key=key).first()
        if stored is None:
            return None
        if stored.request_hash != request_hash:
            response = error_response(
                409,
                "idempotency_key_reused",
                _(
                    "This Idempotency-Key was already used for a different request: send a new key for a "
                    "new request."
                ),
            )
            if request.headers.get("HX-Request") == "true":
                # A screen whose form kept an old key: its page is stale. Reload it (fresh keys)
                # rather than swap this JSON into it.
                response["HX-Refresh"] = "true"
            return response
        response = HttpResponse(
            bytes(stored.response_body),
            status=stored.response_status,
            content_type=stored.response_content_type,
        )
        for name, value in stored.response_headers.items():
            response[name] = value
        response["Idempotent-Replayed"] = "true"
        return response


def chosen_language(user) -> str:
    """The language the person chose for their screens, when it is one this site speaks; else ""."""
    from django.conf import settings

    if user is None or not user.is_authenticated:
        return ""
    language = getattr(user, "preferred_language", "")
    return language if language in dict(settings.LANGUAGES) else ""


class PreferredLanguageMiddleware:
    """Screens speak the signed-in person's language when they chose one (several languages on one line).

    Runs after LocaleMiddleware (browser language) and authentication, so a person's own choice wins;
    at a shared tablet it follows whoever is the active operator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        language = chosen_language(getattr(request, "user", None))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response
