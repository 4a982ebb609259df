"""A DuckDB file of views over the current snapshot: warehouse/peel.duckdb.

Written at each publish (to a temporary file, then renamed into place), its views name the
snapshot's Parquet files by absolute path, so `duckdb warehouse/peel.duckdb` and
`duckdb.connect("warehouse/peel.duckdb")` work from any directory, offline, with no extension.
A reader that keeps the file open keeps seeing the snapshot it opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

VIEWS = {
    # Each force's latest graded judgement per area (cycle ids sort in time order).
    "current_grades": """
        SELECT j.force_id, f.name AS force_name, f.region, j.area_id, j.area_label, j.level, j.cycle_id, c.label AS cycle,
               j.grade, j.grade_rank, j.source_url, j.last_updated
        FROM (SELECT *, row_number() OVER (PARTITION BY force_id, area_id ORDER BY cycle_id DESC) AS n
              FROM judgements WHERE grade_status = 'graded') j
        JOIN forces f USING (force_id) JOIN cycles c USING (cycle_id)
        WHERE j.n = 1""",
    # Every judgement with its force and cycle names, oldest cycle first.
    "grade_history": """
        SELECT j.force_id, f.name AS force_name, f.region, j.cycle_id, c.label AS cycle, c.family, j.area_id,
               j.area_label, j.level, j.grade, j.grade_rank, j.grade_status, j.grade_source, j.source_url,
               j.first_seen_at, j.last_updated
        FROM judgements j JOIN forces f USING (force_id) JOIN cycles c USING (cycle_id)
        ORDER BY j.force_id, j.cycle_id, j.area_id""",
    # Forces x cycles: whether the assessment was found.
    "coverage": """
        SELECT c.cycle_id, c.label AS cycle, c.status AS cycle_status, f.force_id, f.name AS force_name,
               a.force_id IS NOT NULL AS found, a.status AS assessment_status, a.pages_found, a.graded
        FROM cycles c CROSS JOIN forces f LEFT JOIN assessments a USING (cycle_id, force_id)
        ORDER BY c.cycle_id, f.force_id""",
    # The forces in Engage (enhanced monitoring) now: spells with no exit date, earliest entry first.
    "engage_now": """
        SELECT m.force_id, f.name AS force_name, f.region, m.entered_on, m.entered_precision, m.entered_text,
               m.reasons, m.related_report_url, m.source_url
        FROM monitoring m JOIN forces f USING (force_id)
        WHERE m.stage = 'engage' AND m.left_on IS NULL
        ORDER BY m.entered_on, m.force_id""",
}


def write_views(root: Path, manifest: dict[str, Any]) -> Path:
    """(Re)write <root>/peel.duckdb with a view per table of the snapshot and the derived views."""
    import duckdb

    target = root / "peel.duckdb"
    tmp = root / f".peel.duckdb.{manifest['snapshot_id']}.tmp"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for name, entry in manifest["tables"].items():
            path = (root / entry["path"]).resolve().as_posix().replace("'", "''")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        for name, sql in VIEWS.items():
            con.execute(f"CREATE VIEW {name} AS {sql}")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, target)
    Path(f"{tmp}.wal").unlink(missing_ok=True)
    return target
