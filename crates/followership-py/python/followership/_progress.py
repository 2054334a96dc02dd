"""Progress bars for long runs: tqdm when it is installed (its notebook widget in Jupyter),
otherwise a line on standard error."""

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, Tuple


def progress_callback(progress: bool, total: int, desc: str) -> Tuple[Optional[Callable[[int, int], None]], Callable[[], None]]:
    """``(callback(done, total), close())`` for a bar of ``total`` runs, or ``(None, no-op)``
    when ``progress`` is false."""
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        bar = tqdm(total=total, desc=desc, unit="run")

        def update(done: int, _total: int) -> None:
            bar.update(done - bar.n)

        return update, bar.close
    started = time.monotonic()
    last = [0.0]

    def line(done: int, total_: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total_:
            last[0] = now
            rate = done / max(now - started, 1e-9)
            sys.stderr.write(f"\r{desc}: {done}/{total_} runs ({rate:.0f}/s)")
            sys.stderr.flush()

    def close() -> None:
        sys.stderr.write("\n")

    return line, close


def stage_callback(progress: bool, desc: str) -> Tuple[Optional[Callable[[str], None]], Callable[[], None]]:
    """``(callback(message), close())`` for work without a count of runs (choosing seeds): the
    stage it is at, on a tqdm bar's description or a line on standard error; ``(None, no-op)``
    when ``progress`` is false."""
    if not progress:
        return None, lambda: None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        bar = tqdm(total=None, desc=desc, bar_format="{desc} {elapsed}")

        def describe(message: str) -> None:
            bar.set_description_str(f"{desc}: {message}")

        return describe, bar.close

    def line(message: str) -> None:
        sys.stderr.write(f"\r{desc}: {message}\033[K")
        sys.stderr.flush()

    def close() -> None:
        sys.stderr.write("\n")

    return line, close
