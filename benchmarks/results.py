"""Benchmarks write what they print into benchmarks/RESULTS.md when run with `--record`: each
its own section, between `<!-- generated: NAME -->` and `<!-- end: NAME -->`, headed with the day,
the machine and the command, so the figures quoted are the figures measured."""

from __future__ import annotations

import contextlib
import io
import os
import platform
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO

from ccgraph.docs import with_part

RESULTS = Path(__file__).with_name("RESULTS.md")


class _Tee(io.StringIO):
    """Keeps what is written, and passes it on to where it was going."""

    def __init__(self, onward: IO[str]):
        super().__init__()
        self.onward = onward

    def write(self, text: str) -> int:
        self.onward.write(text)
        return super().write(text)


@contextlib.contextmanager
def recorded(part: str, enabled: bool) -> Iterator[None]:
    """Print as usual; with `enabled`, also write what was printed into RESULTS.md's `part`."""
    if not enabled:
        yield
        return
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield
    command = " ".join(["python", os.path.relpath(sys.argv[0]), *sys.argv[1:]])
    head = f"Measured {date.today().isoformat()} on {os.cpu_count()} cores ({platform.python_implementation()} {platform.python_version()}) by `{command}`:"
    made = f"{head}\n\n{tee.getvalue().rstrip()}"
    RESULTS.write_text(with_part(RESULTS.read_text(encoding="utf-8"), part, made), encoding="utf-8")
