"""The peelpipe sample site: real published PEEL grades on sample pages, served on loopback.

``SITE_ROOT`` is the built site (``site/``, package data). It is generated, together with
``site-updates/``, by the project's tools/samplesite (``python -m tools.samplesite.build`` from the
project root, from its facts.toml), which is not part of this library; the library only serves the
built files. ``serve_site()`` serves them (see ``peelpipe.samplesite.server``). ``UPDATES_ROOT`` is an
overlay holding the pages as corrected on 8 August 2024 (Northamptonshire PEEL 2023-25: "Responding to
the public" changed from adequate to requires improvement): ``serve_site(overlays=[UPDATES_ROOT])``.
The site's two Engage (enhanced monitoring) pages stand as on 22 May 2025; ``NOTTS_LEFT_ROOT`` and
``DEVON_LEFT_ROOT`` are overlays holding them after Nottinghamshire moved out (23 May 2025) and after
Devon and Cornwall did (31 July 2025).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SITE_ROOT: Path = Path(__file__).resolve().parent / "site"
UPDATES_ROOT: Path = Path(__file__).resolve().parent / "site-updates" / "2024-08-08"
NOTTS_LEFT_ROOT: Path = Path(__file__).resolve().parent / "site-updates" / "2025-05-23"
DEVON_LEFT_ROOT: Path = Path(__file__).resolve().parent / "site-updates" / "2025-07-31"

__all__ = ["SITE_ROOT", "UPDATES_ROOT", "NOTTS_LEFT_ROOT", "DEVON_LEFT_ROOT", "serve_site", "SampleSiteServer"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `python -m peelpipe.samplesite.server` does not import the module twice.
    if name in ("serve_site", "SampleSiteServer"):
        from peelpipe.samplesite import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
