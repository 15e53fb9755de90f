"""The manifest of public sources (`sources.yaml`), kept as data like OpenPrescribing's."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

MANIFEST = Path(__file__).with_name("sources.yaml")


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    file: str
    title: str
    publisher: str
    url: str
    schedule: str
    reader: str
    required: bool


@cache
def sources() -> tuple[Source, ...]:
    return tuple(Source(**entry) for entry in yaml.safe_load(MANIFEST.read_text(encoding="utf-8")))
