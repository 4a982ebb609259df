"""Roll observations up into judgements, and judgements up into assessments. Pure.

Split from build.py, which merges a run's pages into the tables: this module holds the rules that
pick one judgement per force, cycle and area from every page that states it (which page wins,
disagreements flagged as pages_disagree issues, a carried-over question the page prints no grade
for taking the earlier cycle's judgement) and the per-force, per-cycle assessment status derived
from those judgements.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from peelpipe.config import Catalogue
from peelpipe.grades import GRADED, PENDING, grade_rank
from peelpipe.models import SOURCE_CARRIED_OVER

Rows = list[dict[str, Any]]

_SOURCE_ORDER = {"label": 0, "prose": 1, "headline": 2, "config": 3, "carried_over": 4}
_KIND_ORDER = {"pillar": 0, "report": 0, "landing": 1}


def resolve_judgements(observations: Rows, previous: Rows, catalogue: Catalogue, now: datetime) -> tuple[Rows, Rows]:
    """One judgement per force, cycle and area from all pages stating it; disagreements flagged."""
    groups: dict[tuple[str, str, str], Rows] = {}
    for obs in observations:
        groups.setdefault((obs["force_id"], obs["cycle_id"], obs["area_id"]), []).append(obs)
    before = {(r["force_id"], r["cycle_id"], r["area_id"]): r for r in previous}
    judgements: Rows = []
    issues: Rows = []
    resolved: dict[tuple[str, str, str], dict[str, Any]] = {}
    for key in sorted(groups):
        # Pillar and report pages before landing pages, English before Welsh copies, labels before prose.
        group = sorted(
            groups[key],
            key=lambda o: (
                _KIND_ORDER.get(o["page_kind"], 2),
                "/heddlu-" in o["source_url"],
                _SOURCE_ORDER.get(o["grade_source"], 9),
                o["source_url"],
            ),
        )
        chosen = group[0]
        states = {(o["grade"], o["grade_status"]) for o in group}
        conflict = len(states) > 1
        detail = None
        if conflict:
            detail = "; ".join(
                f"{o['page_kind']} page ({o['grade_source']}): {o['grade'] or o['grade_status']}" for o in group
            )
            issues.append(
                {
                    "force_id": key[0],
                    "cycle_id": key[1],
                    "area_id": key[2],
                    "source_url": chosen["source_url"],
                    "page_kind": chosen["page_kind"],
                    "severity": "warning",
                    "reason": "pages_disagree",
                    "detail": f"{detail}; kept the {chosen['page_kind']} page's",
                    "content_sha256": None,
                    "seen_at": now,
                }
            )
        grade, status, source = chosen["grade"], chosen["grade_status"], chosen["grade_source"]
        carried_from = None
        if chosen["carried_over"] and status == PENDING:
            # The page prints no grade for a question it says was carried over: the earlier cycle's
            # judgement (the cycle the page names, else the one before), resolved first since keys
            # sort by cycle. Without one there is no grade, never a guess (the page's issue says so).
            spec = catalogue.cycles.get(key[1])
            carried_from = chosen.get("carried_from_cycle_id") or (spec.previous if spec else None)
            earlier = resolved.get((key[0], carried_from or "", key[2]))
            if earlier is None or earlier["grade_status"] != GRADED:
                continue
            grade, status, source = earlier["grade"], GRADED, SOURCE_CARRIED_OVER
        old = before.get(key)
        same = old is not None and old["grade"] == grade and old["grade_status"] == status
        scale = catalogue.cycles[key[1]].scale if key[1] in catalogue.cycles else ()
        judgements.append(
            {
                "force_id": key[0],
                "cycle_id": key[1],
                "area_id": key[2],
                "area_label": chosen["area_label"],
                "level": chosen["level"],
                "grade": grade,
                "grade_rank": grade_rank(grade, scale),
                "grade_status": status,
                "grade_source": source,
                "source_url": chosen["source_url"],
                "content_sha256": chosen["content_sha256"],
                "parser_version": chosen["parser_version"],
                "first_seen_at": old["first_seen_at"]
                if old is not None and same
                else min(o["first_seen_at"] for o in group),
                "last_seen_at": max(o["last_seen_at"] for o in group),
                "last_updated": chosen["last_updated"],
                "mapped": chosen["mapped"],
                "observations": len(group),
                "conflict": conflict,
                "conflict_detail": detail,
                "carried_over": bool(chosen["carried_over"]),
                "carried_from_cycle_id": carried_from,
            }
        )
        resolved[key] = judgements[-1]
    return judgements, issues


def build_assessments(pages: dict[str, dict[str, Any]], judgements: Rows, catalogue: Catalogue) -> Rows:
    """One row per force and cycle with at least one page found."""
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in pages.values():
        if row["status"] in ("parsed", "unreadable"):
            by_key.setdefault((row["force_id"], row["cycle_id"]), []).append(row)
    judged: dict[tuple[str, str], Rows] = {}
    for j in judgements:
        judged.setdefault((j["force_id"], j["cycle_id"]), []).append(j)
    rows: Rows = []
    for (force, cycle), found in sorted(by_key.items()):
        spec = catalogue.cycles.get(cycle)
        landing = next((p for p in found if p["page_kind"] in ("landing", "report")), None)
        mine = judged.get((force, cycle), [])
        pillars = [
            j
            for j in mine
            if j["level"] in ("pillar", "area") and catalogue.expected_status(j["area_id"], cycle) == GRADED
        ]
        if any(j["grade_status"] == PENDING for j in pillars):
            status = "in_progress"
        elif (
            pillars
            and all(j["grade_status"] == GRADED for j in pillars)
            and len(found) >= len(spec.pages if spec else ())
        ):
            status = "complete"
        else:
            status = "partial"
        facts = json.loads(landing["facts"]) if landing and landing.get("facts") else {}
        dates = [p["last_updated"] for p in found if p.get("last_updated")]
        rows.append(
            {
                "force_id": force,
                "cycle_id": cycle,
                "source_url": (landing or sorted(found, key=lambda p: p["source_url"])[0])["source_url"],
                "published_on": None,
                "last_updated": max(dates) if dates else None,
                "status": status,
                "pages_found": len(found),
                "pages_expected": len(spec.pages) if spec else 0,
                "graded": sum(1 for j in mine if j["grade_status"] == GRADED),
                "tranche": facts.get("tranche"),
            }
        )
    return rows
