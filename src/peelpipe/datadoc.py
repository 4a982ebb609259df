"""docs/data-model.md, generated from the pyarrow schemas, the vocabularies and the configuration,
so the document and the code cannot drift apart.

Regenerate with `python -m peelpipe.datadoc`; a test fails when the committed file differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from peelpipe.config import Catalogue, load_catalogue
from peelpipe.vocabulary import CHANGE_TYPES, ISSUE_REASONS, PAGE_STATUSES
from peelpipe.warehouse.schemas import KEYS, SCHEMA_VERSION, TABLES, field_allowed, field_example
from peelpipe.warehouse.views import VIEWS

INTRO = """# Data model

Generated from `src/peelpipe/warehouse/schemas.py`, `src/peelpipe/vocabulary.py` and `config/` by
`python -m peelpipe.datadoc`: do not edit by hand. Schema version **{version}**. Every table is one
Parquet file per snapshot; `CURRENT` names them (see the README). Column descriptions and the
schema version are also in each Parquet file's metadata.

Contents: [tables](#tables) · [views in peel.duckdb](#views-in-peelduckdb) · [ids](#ids) ·
[change types](#change-types) · [comparability](#comparability) · [parse issues](#parse-issue-reasons) ·
[page statuses](#page-statuses)

Grades: `outstanding`, `good`, `adequate` (2021/22 on), `requires_improvement`, `inadequate`, or null.
`grade_status`: `graded`, `pending` (the page says "not yet graded" / "To be graded"), `not_graded`
(the page says "not graded" / "Not being graded"), `ungraded` (never graded in that cycle).
`grade_rank` is the position on the cycle's scale, 0 = outstanding, so ranks compare within a cycle
and across comparable cycles.

Engage: HMICFRS monitors every force at one of two stages, Scan (routine) or Engage (enhanced
monitoring, "special measures"). The `monitoring` table holds one row per force per spell in Engage,
read from the two monitoring pages (forces in Engage, forces previously in Engage), which every run
reads in full whatever its `--forces` or `--cycles` (they are site-wide pages). Dates keep their
precision and are never padded out to a made-up day: a month is stored as its first day with precision
`month`, a year as 1 January with precision `year`, and a season ("autumn 2024") as its year with
precision `year`; `entered_text` and `left_text` (an extension of the contract) keep the printed
wording. `reasons` say why the force entered (reasons the page gives for its exit are not kept); it is
empty when the page lists none. Entering and leaving are changes (`entered_engage`, `left_engage`)
with `area_id` `monitoring`, an empty `to_cycle_id`, and the stages in `from_grade`/`to_grade`.
Parse issues of the monitoring pages have `page_kind` `monitoring` and an empty `force_id` and
`cycle_id`. The view `engage_now` lists the forces in Engage now. The monitoring pages are not rows of
`pages` (a table of force and cycle pages): their fetches are in the raw archive's fetch log.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def tables_section() -> list[str]:
    """A table per warehouse table: column, type, null, meaning, allowed values, example."""
    lines = ["## Tables", ""]
    for name, schema in TABLES.items():
        lines += [
            f"### {name}",
            "",
            f"Key: {', '.join(KEYS[name])}",
            "",
            "| column | type | null | meaning | allowed values | example |",
            "|---|---|---|---|---|---|",
        ]
        for field in schema:
            doc = (field.metadata or {}).get(b"description", b"").decode()
            allowed = ", ".join(f"`{v}`" for v in field_allowed(name, field.name))
            example = field_example(name, field.name)
            lines.append(
                f"| `{field.name}` | {field.type} | {'yes' if field.nullable else 'no'} | {_cell(doc)} | "
                f"{allowed} | {_cell(example)} |"
            )
        lines.append("")
    return lines


def views_section() -> list[str]:
    """The derived views of warehouse/peel.duckdb."""
    lines = [
        "## Views in peel.duckdb",
        "",
        "Each publish writes `warehouse/peel.duckdb`: one view per table above (same name), and these:",
        "",
    ]
    for name, sql in VIEWS.items():
        lines += [
            f"### {name}",
            "",
            "```sql",
            "\n".join(line[8:] if line.startswith(" " * 8) else line.strip() for line in sql.strip("\n").splitlines()),
            "```",
            "",
        ]
    return lines


def ids_section(catalogue: Catalogue) -> list[str]:
    """Force, cycle and area ids, from the configuration."""
    lines = [
        "## Ids",
        "",
        "`force_id` is the slug of the force's 2014-2018/19 PEEL URLs; other slugs the site used are "
        "aliases. `cycle_id` names a PEEL cycle. `area_id` is a pillar (`effectiveness`), a pillar's "
        "question (`effectiveness.preventing-crime`) or, from 2021/22 on, an area (`investigating-crime`). "
        "A printed label that maps to no known area keeps a derived id (`unmapped.<slug>`, or `<pillar>.<slug>` "
        'for a question) and `mapped = false`; a question number before it ("1. How good …") is not part of it. '
        "`peelpipe status` lists each such wording with its cycle and an `[[area]]` block for `config/areas.toml`; "
        "once the wording is mapped, `peelpipe replay` moves its rows, changes and alerts to the real id, with no "
        "network and no change announced.",
        "",
        "### Forces",
        "",
        "| force_id | name | region | other slugs |",
        "|---|---|---|---|",
    ]
    for force in catalogue.forces.values():
        other = ", ".join(f"`{s}`" for s in dict.fromkeys((*force.aliases, *force.welsh_slugs, force.report_slug)) if s)
        lines.append(f"| `{force.id}` | {force.name} | {force.region} | {other} |")
    lines += ["", "### Cycles", "", "| cycle_id | label | family | scale | status |", "|---|---|---|---|---|"]
    for cycle in catalogue.cycles.values():
        lines.append(f"| `{cycle.id}` | {cycle.label} | {cycle.family} | {', '.join(cycle.scale)} | {cycle.status} |")
    lines += ["", "### Areas", "", "| area_id | level | graded in | assessed, ungraded in |", "|---|---|---|---|"]
    for area in catalogue.areas.values():
        lines.append(
            f"| `{area.id}` | {area.level} | {', '.join(sorted(area.graded_in))} | "
            f"{', '.join(sorted(area.ungraded_in))} |"
        )
    return [*lines, ""]


def changes_section(catalogue: Catalogue) -> list[str]:
    """Change types and the comparability rules between cycles."""
    lines = ["## Change types", "", "| change_type | meaning |", "|---|---|"]
    lines += [f"| `{kind}` | {meaning} |" for kind, meaning in CHANGE_TYPES.items()]
    lines += [
        "",
        "A change's id is a hash of what changed, so the same change detected twice has the same id "
        "and re-running a backfill adds no rows.",
        "",
        "## Comparability",
        "",
        "A grade is compared with the same area's grade in the cycle before. Across a framework change "
        "HMICFRS says the grades cannot be compared: the change is `not_comparable`, never an upgrade or "
        "downgrade.",
        "",
        "| cycle | compared with | comparable |",
        "|---|---|---|",
    ]
    for cycle in catalogue.cycles.values():
        if cycle.previous:
            previous = catalogue.cycles[cycle.previous].label
            lines.append(f"| {cycle.label} | {previous} | {'yes' if cycle.comparable_with_previous else 'no'} |")
    return [*lines, ""]


def vocabulary_section() -> list[str]:
    """Parse issue reasons and page statuses."""
    lines = ["## Parse issue reasons", "", "| reason | meaning |", "|---|---|"]
    lines += [f"| `{reason}` | {_cell(meaning)} |" for reason, meaning in ISSUE_REASONS.items()]
    lines += ["", "## Page statuses", "", "| status | meaning |", "|---|---|"]
    lines += [f"| `{status}` | {meaning} |" for status, meaning in PAGE_STATUSES.items()]
    return [*lines, ""]


def render(config_dir: Path | None = None) -> str:
    """The whole document."""
    catalogue = load_catalogue(config_dir or Path(__file__).resolve().parents[2] / "config")
    lines = [
        INTRO.format(version=SCHEMA_VERSION),
        *tables_section(),
        *views_section(),
        *ids_section(catalogue),
        *changes_section(catalogue),
        *vocabulary_section(),
    ]
    return "\n".join(lines)


def main() -> int:
    """Write docs/data-model.md next to the package's project root."""
    target = Path(__file__).resolve().parents[2] / "docs" / "data-model.md"
    target.write_text(render())
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
