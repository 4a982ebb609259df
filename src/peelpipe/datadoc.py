"""docs/data-model.md, generated from the pyarrow schemas so the two cannot drift apart.

Regenerate with `python -m peelpipe.datadoc`; a test fails when the committed file differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from peelpipe.warehouse.schemas import KEYS, SCHEMA_VERSION, TABLES

INTRO = """# Data model

Generated from `src/peelpipe/warehouse/schemas.py` by `python -m peelpipe.datadoc`: do not edit by hand.
Schema version **{version}**. Every table is one Parquet file per snapshot; `CURRENT` names them
(see the README). Column descriptions are also in each Parquet file's field metadata.

Grades: `outstanding`, `good`, `adequate` (2021/22 on), `requires_improvement`, `inadequate`, or null.
`grade_status`: `graded`, `pending` (the page says "not yet graded" / "To be graded"), `not_graded`
(the page says "not graded" / "Not being graded"), `ungraded` (never graded in that cycle).
Change types: `upgrade` / `downgrade` (year on year, comparable cycles), `not_comparable` (across a
framework change HMICFRS says cannot be compared), `correction` (a published grade changed),
`newly_graded`, `new_assessment`, `withdrawn`, `findings_changed` (areas for improvement, causes of concern or
recommendations reworded on a published page). Change ids are hashes of what changed, so the same
change detected twice has the same id.
"""


def render() -> str:
    """The whole document."""
    lines = [INTRO.format(version=SCHEMA_VERSION)]
    for name, schema in TABLES.items():
        lines += [f"## {name}", "", f"Key: {', '.join(KEYS[name])}", "", "| column | type | null | meaning |",
                  "|---|---|---|---|"]
        for field in schema:
            doc = (field.metadata or {}).get(b"description", b"").decode()
            lines.append(f"| `{field.name}` | {field.type} | {'yes' if field.nullable else 'no'} | {doc} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    """Write docs/data-model.md next to the package's project root."""
    target = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"
    target.write_text(render())
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
