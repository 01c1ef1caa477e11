"""A time budget per request: the last guard against work nobody bounded.

Every loop whose length depends on the corpus or on what was typed is bounded where it
is written (expansion limits, spelling limits, phrase candidates); `check()` inside
those loops ends the request with `Overrun` once its budget is spent, and the app
answers with a sentence instead of a worker killed by gunicorn's timeout. In a sync
worker the request runs in the main thread, and an interval timer also interrupts work
that never calls `check()` (inside Whoosh, say).
"""

import signal
import threading
import time
from contextlib import contextmanager

_state = threading.local()


class Overrun(Exception):
    """The request has used up its time budget."""


def check() -> None:
    """Raise Overrun if the current request's budget is spent (no-op outside a request)."""
    deadline = getattr(_state, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise Overrun


def remaining() -> float | None:
    """Seconds left in the current request's budget, or None outside a budget."""
    deadline = getattr(_state, "deadline", None)
    return None if deadline is None else deadline - time.monotonic()


@contextmanager
def limited(seconds: float):
    """Run the block under a budget of `seconds` (0 or less: no budget)."""
    if seconds <= 0:
        yield
        return
    previous = getattr(_state, "deadline", None)
    _state.deadline = time.monotonic() + seconds
    alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if alarm:
        old_handler = signal.signal(signal.SIGALRM, _interrupt)
        # A little after the deadline: cooperative checks should fire first.
        signal.setitimer(signal.ITIMER_REAL, seconds + 0.25)
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
        _state.deadline = previous
        _state.pending = False


@contextmanager
def suspended():
    """Run the block outside the request's budget, which is extended by the time it took:
    opening and warming a new index generation is not the request's own work."""
    deadline = getattr(_state, "deadline", None)
    if deadline is None:
        yield
        return
    started = time.monotonic()
    _state.deadline = None
    alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    left = signal.setitimer(signal.ITIMER_REAL, 0)[0] if alarm else 0.0
    try:
        yield
    finally:
        _state.deadline = deadline + (time.monotonic() - started)
        if alarm and left > 0:
            signal.setitimer(signal.ITIMER_REAL, left)


@contextmanager
def shielded():
    """Hold off the timer's interruption inside the block (a cache update, say), so an
    Overrun never leaves shared state half-changed; it is raised when the block ends."""
    _state.shielded = getattr(_state, "shielded", 0) + 1
    try:
        yield
    finally:
        _state.shielded -= 1
    if not _state.shielded and getattr(_state, "pending", False):
        _state.pending = False
        raise Overrun


def _interrupt(signum, frame):
    if getattr(_state, "shielded", 0):
        _state.pending = True
        return
    raise Overrun
