"""The command line: help with examples, one-line errors, and the commands working together."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from peelpipe.cli import build_parser, main
from peelpipe.samplesite import serve_site

COMMANDS = ["backfill", "run", "serve", "changes", "status", "replay", "demo", "sql", "export", "unlock"]


def peelpipe(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "peelpipe", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_every_command_has_help_with_examples(capsys) -> None:
    parser = build_parser()
    listed = parser.format_help()
    for command in COMMANDS:
        assert command in listed
        with pytest.raises(SystemExit) as info:
            main([command, "--help"])
        assert info.value.code == 0
        text = capsys.readouterr().out
        assert "examples:" in text and "--warehouse" in text and "--base-url" in text, command


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for command in COMMANDS:
        assert f"peelpipe {command}" in readme, command


def test_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    result = peelpipe("backfill", "--forces", "atlantis", "--warehouse", str(tmp_path), "--no-prefect")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "unknown force 'atlantis'" in result.stderr
    result = peelpipe("serve", env={"PREFECT_API_URL": ""})
    assert result.returncode == 1 and "prefect server start" in result.stderr
    assert result.stderr.strip().count("\n") == 0
    result = peelpipe("changes", "--since", "last tuesday", "--warehouse", str(tmp_path))
    assert result.returncode == 1 and "--since must be a date" in result.stderr


def test_backfill_status_and_changes_together(tmp_path: Path, capsys) -> None:
    wh = str(tmp_path / "wh")
    assert main(["status", "--warehouse", wh]) == 0
    assert "No snapshot published yet" in capsys.readouterr().out
    with serve_site() as site:
        code = main(
            [
                "backfill",
                "--cycles",
                "2016,2017",
                "--forces",
                "staffordshire,metropolitan",
                "--no-prefect",
                "--warehouse",
                wh,
                "--base-url",
                site.url,
                "--delay",
                "0",
            ]
        )
    out = capsys.readouterr().out
    assert code == 0 and "16 planned: 16 parsed" in out and "4 force x cycle combinations" in out

    assert main(["status", "--warehouse", wh]) == 0
    status = capsys.readouterr().out
    assert "PEEL 2017" in status and " 2/43" in status and "missing avon-and-somerset" in status

    assert (
        main(["changes", "--warehouse", wh, "--format", "json", "--force", "staffordshire", "--type", "upgrade"]) == 0
    )
    changes = json.loads(capsys.readouterr().out)
    assert [(c["area_id"], c["from_grade"], c["to_grade"]) for c in changes] == [
        ("effectiveness", "requires_improvement", "good")
    ]

    assert main(["changes", "--warehouse", wh, "--format", "markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# PEEL grade changes") and "## Upgrades" in markdown
    assert (
        "Staffordshire Police, overall effectiveness: upgrade from requires improvement (PEEL 2016) to good (PEEL 2017)"
    ) in markdown

    assert main(["status", "--warehouse", wh, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["last_run"]["mode"] == "backfill"


def test_the_readme_reading_examples_work(tmp_path: Path) -> None:
    import re

    with serve_site() as site:
        assert (
            main(
                [
                    "backfill",
                    "--cycles",
                    "2016,2017",
                    "--forces",
                    "staffordshire",
                    "--no-prefect",
                    "--quiet",
                    "--warehouse",
                    str(tmp_path / "warehouse"),
                    "--base-url",
                    site.url,
                    "--delay",
                    "0",
                ]
            )
            == 0
        )
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert len(blocks) >= 2
    script = "\n".join(blocks) + "\nprint(len(judgements))\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "requires_improvement" in result.stdout and result.stdout.strip().endswith(
        "\n11"
    )  # 3 pillars in 2016; 3 + 5 questions in 2017


def test_a_second_scheduled_run_on_an_unchanged_site_costs_only_conditional_requests(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("PEELPIPE_REFRESH_CLOSED_DAYS", "1")  # re-check every page, the most a run can cost
    wh = str(tmp_path / "wh")
    with serve_site() as site:
        common = ["--warehouse", wh, "--base-url", site.url, "--delay", "0", "--no-prefect"]
        assert main(["run", *common, "--quiet"]) == 0
        before = json.loads((tmp_path / "wh" / "CURRENT").read_text())["tables"]
        assert main(["run", *common]) == 0
        text = capsys.readouterr().out
        assert main(["run", *common, "--json"]) == 0
        stats = json.loads(capsys.readouterr().out)
        log = list(site.request_log)
    after = json.loads((tmp_path / "wh" / "CURRENT").read_text())["tables"]
    s = stats["stats"]
    found = before["pages"]["rows"] - s["pages_not_found"] + 2  # + the two Engage pages, also unchanged
    assert s["not_modified"] == found and s["pages_parsed"] == 0 and stats["changes"] == 0
    assert s["requests"] == s["not_modified"] + s["pages_not_found"] + 1  # + the index page (404 here)
    assert {name: t["rows"] for name, t in after.items() if name != "runs"} == {
        name: t["rows"] for name, t in before.items() if name != "runs"
    }
    assert f"({found} answered 304 Not Modified)" in text and "0 new" in text
    assert all(status in (304, 404) for _, path, status in log[-s["requests"] :])


def test_sql_against_the_duckdb_views(tmp_path: Path, capsys, monkeypatch) -> None:
    wh = tmp_path / "wh"
    with serve_site() as site:
        assert (
            main(
                [
                    "backfill",
                    "--cycles",
                    "2016,2017,2018-19",
                    "--forces",
                    "staffordshire,warwickshire",
                    "--no-prefect",
                    "--quiet",
                    "--warehouse",
                    str(wh),
                    "--base-url",
                    site.url,
                    "--delay",
                    "0",
                ]
            )
            == 0
        )
    monkeypatch.chdir(tmp_path / "..")  # the views work from any directory
    query = (
        "SELECT force_id, area_id, cycle_id, grade FROM current_grades WHERE force_id = 'staffordshire' "
        "AND level = 'pillar' ORDER BY area_id"
    )
    assert main(["sql", "--warehouse", str(wh), "--format", "json", query]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["area_id"], r["cycle_id"], r["grade"]) for r in rows] == [
        ("effectiveness", "2018-19", "good"),
        ("efficiency", "2018-19", "good"),
        ("legitimacy", "2018-19", "good"),
    ]
    readme = (ROOT / "README.md").read_text()
    downgraded = readme.split("<!-- downgraded-query -->")[1].split("```sql")[1].split("```")[0]
    assert main(["sql", "--warehouse", str(wh), "--format", "csv", downgraded]) == 0
    out = capsys.readouterr().out.splitlines()
    # Published grades: Warwickshire efficiency good in 2017, requires improvement in 2018/19.
    assert out[0].startswith("force") and len(out) > 1 and all("2018-19" in line for line in out[1:])
    assert "Warwickshire Police,efficiency,good,requires_improvement,2018-19" in out
    assert main(["sql", "--warehouse", str(wh), "SELECT * FROM nowhere"]) == 1
    assert "query failed" in capsys.readouterr().err


def test_exports_for_spreadsheets(tmp_path: Path, capsys) -> None:
    import openpyxl
    import pandas as pd

    wh = tmp_path / "wh"
    assert main(["export", "--warehouse", str(wh)]) == 1  # nothing published yet: a clear error
    assert "publish a snapshot first" in capsys.readouterr().err
    with serve_site() as site:
        assert (
            main(
                [
                    "backfill",
                    "--cycles",
                    "2017",
                    "--forces",
                    "staffordshire",
                    "--no-prefect",
                    "--quiet",
                    "--warehouse",
                    str(wh),
                    "--base-url",
                    site.url,
                    "--delay",
                    "0",
                ]
            )
            == 0
        )
    assert main(["export", "--warehouse", str(wh), "--format", "xlsx"]) == 0
    workbook = openpyxl.load_workbook(capsys.readouterr().out.strip(), read_only=True)
    assert workbook.sheetnames[0] == "README" and {"judgements", "changes", "forces"} <= set(workbook.sheetnames)
    rows = list(workbook["judgements"].values)
    assert rows[0][:3] == ("force_id", "cycle_id", "area_id") and len(rows) == 1 + 8
    readme = list(workbook["README"].values)
    assert ("judgements", "grade_source") in {(r[0], r[1]) for r in readme}
    assert main(["export", "--warehouse", str(wh), "--format", "csv", "--out", str(tmp_path / "out")]) == 0
    folder = Path(capsys.readouterr().out.strip())
    grades = pd.read_csv(folder / "judgements.csv")
    assert set(grades["grade"].dropna()) == {"good", "requires_improvement"} and len(grades) == 8
    assert main(["export", "--warehouse", str(wh), "--format", "json"]) == 0
    document = json.loads(Path(capsys.readouterr().out.strip()).read_text())
    assert len(document["tables"]["judgements"]) == 8 and document["schema_version"]


def test_every_command_speaks_json_and_keeps_quiet(tmp_path: Path, capsys) -> None:
    """Scripts: --json gives one JSON document on stdout and no progress; --quiet prints nothing."""
    parser_help = {c: build_parser()._subparsers._group_actions[0].choices[c].format_help() for c in COMMANDS}
    assert all("--json" in text and "--quiet" in text for text in parser_help.values())
    wh = str(tmp_path / "wh")
    with serve_site() as site:
        common = ["--warehouse", wh, "--base-url", site.url, "--delay", "0", "--no-prefect"]
        assert main(["backfill", "--cycles", "2017", "--forces", "staffordshire", *common, "--json"]) == 0
        captured = capsys.readouterr()
        assert json.loads(captured.out)["stats"]["pages_parsed"] == 4 and captured.err == ""
        assert main(["backfill", "--cycles", "2016", "--forces", "staffordshire", *common, "--quiet"]) == 0
        assert capsys.readouterr() == ("", "")
    outputs = {}
    for argv in (
        ["status"],
        ["changes"],
        ["sql", "SELECT count(*) AS n FROM judgements"],
        ["export", "--format", "csv"],
        ["replay"],
    ):
        assert main([*argv, "--warehouse", wh, "--json"]) == 0, argv
        captured = capsys.readouterr()
        outputs[argv[0]] = json.loads(captured.out)
        assert captured.err == "", argv
    assert outputs["sql"] == [{"n": 11}]  # 3 pillars in 2016; 3 + 5 questions in 2017
    assert ("effectiveness", "upgrade") in {(c["area_id"], c["change_type"]) for c in outputs["changes"]}
    assert outputs["replay"]["mode"] == "replay" and outputs["replay"]["stats"]["pages_parsed"] == 8
    assert Path(outputs["export"]["written"]).is_dir()
    assert (
        outputs["status"]["snapshot"]["snapshot_id"]
        == outputs["export"]["snapshot_id"]
        != outputs["replay"]["snapshot_id"]
    )


def test_long_work_shows_progress(tmp_path: Path, capsys) -> None:
    from peelpipe.report import progress_bar

    assert progress_bar(0, 200, 0.0) == "[........................] 0/200 pages"
    assert progress_bar(50, 200, 10.0) == "[######..................] 50/200 pages, about 30 s left"
    assert progress_bar(200, 200, 99.0).startswith("[########################] 200/200")
    wh = str(tmp_path / "wh")
    with serve_site() as site:
        assert (
            main(
                [
                    "backfill",
                    "--cycles",
                    "2014,2015,2016,2017",
                    "--no-prefect",
                    "--warehouse",
                    wh,
                    "--base-url",
                    site.url,
                    "--delay",
                    "0",
                ]
            )
            == 0
        )
    err = capsys.readouterr().err  # not a terminal here: a line every 50 pages
    assert "50/" in err and "pages fetched" in err
    assert main(["replay", "--warehouse", wh]) == 0
    assert "pages replayed" in capsys.readouterr().err


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    wh = tmp_path / "wh"  # empty: both commands still print a few lines
    for args in (["changes"], ["status"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "peelpipe", *args, "--warehouse", str(wh)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        process.stdout.close()  # as `peelpipe changes | head -1` does once it has its line
        err = process.stderr.read()
        assert process.wait(timeout=60) == 0 and err == "", (args, err)
