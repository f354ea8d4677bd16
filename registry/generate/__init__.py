"""Synthetic registries of any size for the benchmarks: ``flask generate stakeholders N``
(``stakeholders``) and ``flask generate registry N`` (``full``: stakeholders with their
initiatives, partnerships, engagements, commitments and progress reports). Rows are written
in bulk around the ORM (``bulk``); the generator refuses production."""

from registry.generate.full import PROPORTIONS, generate_registry
from registry.generate.stakeholders import (
    COLUMNS,
    CONSTITUENCY_WEIGHTS,
    DOMINANT_COUNTRY,
    SECTOR_WEIGHTS,
    GenerateRefused,
    cities,
    generate_stakeholders,
    vocabulary,
)

__all__ = [
    "COLUMNS",
    "CONSTITUENCY_WEIGHTS",
    "DOMINANT_COUNTRY",
    "PROPORTIONS",
    "SECTOR_WEIGHTS",
    "GenerateRefused",
    "cities",
    "generate_registry",
    "generate_stakeholders",
    "vocabulary",
]
