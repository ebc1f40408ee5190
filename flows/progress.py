"""Progress of a run, reported by the flow and shown by whoever listens (the CLI's rich bar).

The flow runs in the caller's process, so a module-level listener is enough; with none set
(tests, scheduled runs) reporting costs nothing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

# listener(event, value): ("start", total documents to extract) then ("advance", 1) per document done
Listener = Callable[[str, int], None]
_listener: Listener | None = None


def report(event: str, value: int) -> None:
    if _listener is not None:
        _listener(event, value)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    global _listener
    previous, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = previous


@contextmanager
def rich_bar(console: Console) -> Iterator[None]:
    """A transient rich progress bar over the documents being extracted, for interactive runs."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task("extract", total=None)

        def listener(event: str, value: int) -> None:
            if event == "start":
                bar.update(task, total=value)
            else:
                bar.advance(task, value)

        with listening(listener):
            yield
