"""A transaction that lost a race to the database is run again, whole, a few times; then refused.

PostgreSQL ends one of two transactions that wait on each other (deadlock, SQLSTATE 40P01) and
may end one whose snapshot can no longer be kept (serialization failure, 40001). Neither is
the request's fault, and running the whole transaction again usually succeeds: the other
transaction has finished by then. The lock order (docs/architecture.md, "Locks") keeps these
rare; this is the net under it.

Only the outermost transaction is retried: a savepoint cannot be, because the locks its
transaction took before it are still held. Transaction entry points:

- a request: `IdempotencyMiddleware` opens one transaction around the view (and its stored
  answer) and retries it (`run_request`);
- a service called outside any transaction (an API call without an Idempotency-Key, a Celery
  task, a management command): `@retry_transaction` in place of `@transaction.atomic`.

After `ATTEMPTS` tries the caller gets `Busy` (`busy_try_again`, 503): a refusal with a
sentence, never a 500. Nothing outside the transaction runs twice: on_commit callbacks of a
rolled-back attempt are discarded by Django, and the outbox rows, audit entries and stored
idempotent answer are rows of the transaction itself (invariants 8 and 10).
"""

import functools
import logging
import random
import time
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError

logger = logging.getLogger(__name__)

ATTEMPTS = 3
BACKOFF_SECONDS = 0.05  # first pause about this long (jittered), doubled after each lost race
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


class Busy(DomainError):
    """The database kept ending this transaction in favour of others: nothing was recorded."""

    status = 503

    def __init__(self) -> None:
        super().__init__(
            "busy_try_again",
            _("The line is very busy right now and this was not recorded. Wait a moment and try again."),
        )


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error (psycopg's, wrapped by Django), else None."""
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlstate", None) or getattr(current, "pgcode", None)
        if code:
            return code
        current = current.__cause__ or current.__context__
    return None


def is_retryable(error: BaseException) -> bool:
    """A deadlock or serialization failure: the whole transaction may be run again."""
    return isinstance(error, DatabaseError) and sqlstate(error) in RETRYABLE_SQLSTATES


def pause(attempt: int) -> None:
    """Jittered backoff before try `attempt + 1` (so racers that collided do not collide again)."""
    time.sleep(random.uniform(0.5, 1.5) * BACKOFF_SECONDS * (2 ** (attempt - 1)))


def lost_race(error: BaseException, *, attempt: int, where: str) -> None:
    """Log a lost race; raise `Busy` when it was the last try."""
    if attempt >= ATTEMPTS:
        logger.warning(
            "contention: %s lost %d times to other transactions (%s, SQLSTATE %s); refused as busy",
            where,
            attempt,
            type(error).__name__,
            sqlstate(error),
        )
        raise Busy() from error
    logger.info(
        "contention: %s lost try %d of %d (%s, SQLSTATE %s); running the whole transaction again",
        where,
        attempt,
        ATTEMPTS,
        type(error).__name__,
        sqlstate(error),
    )
    pause(attempt)


def run_in_transaction[T](function: Callable[..., T], *args, using: str | None = None, **kwargs) -> T:
    """`function(*args, **kwargs)` in a transaction, run again whole on deadlock or serialization
    failure (at most ATTEMPTS times, then `Busy`). Inside an open transaction it is only a
    savepoint: the outermost transaction is the one that is retried."""
    if transaction.get_connection(using).in_atomic_block:
        with transaction.atomic(using=using):
            return function(*args, **kwargs)
    attempt = 0
    while True:
        attempt += 1
        try:
            with transaction.atomic(using=using):
                return function(*args, **kwargs)
        except DatabaseError as error:
            if not is_retryable(error):
                raise
            lost_race(error, attempt=attempt, where=getattr(function, "__qualname__", repr(function)))


def retry_transaction[T](function: Callable[..., T]) -> Callable[..., T]:
    """`@transaction.atomic` that, as the outermost transaction, retries itself (`run_in_transaction`)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return run_in_transaction(function, *args, **kwargs)

    return wrapper
