"""`peelpipe export --format datapackage` (issue 17, item 5): the current tables as CSV with a Frictionless
datapackage.json, checked by the frictionless library itself.

The warehouse is one real pipeline run over the bundled sample site on loopback (every force and cycle,
then the published Northamptonshire correction), plus one visibly synthetic page of the fictional force
*testshire* that is not a PEEL page, so parse_issues has rows (with a null area_id in its key).
Tests that need other data publish a copy of that warehouse through Warehouse.publish.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from frictionless import Package
from httpsim import Reply, ScriptedServer
from sites import local_catalogue, write_page

from peelpipe import pipeline
from peelpipe.cli import main
from peelpipe.errors import WarehouseError
from peelpipe.samplesite import UPDATES_ROOT, serve_site
from peelpipe.warehouse import schemas
from peelpipe.warehouse.export import export
from peelpipe.warehouse.store import Warehouse

ALL_CYCLES = ["2014", "2015", "2016", "2017", "2018-19", "2021-22", "2023-25", "2025-27"]
NOT_PEEL = (
    "<!DOCTYPE html><html><head><title>Synthetic test page</title></head><body>"
    "<p>Synthetic test page (peelpipe tests): this site is down for maintenance.</p></body></html>"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse from real runs: a backfill of the sample site (and a synthetic non-PEEL page), then a
    scheduled run that sees the published correction and sends its alert to a loopback receiver."""
    tmp = tmp_path_factory.mktemp("dp")
    overlay = tmp / "overlay"
    write_page(overlay, "/peel-assessments/peel-2017/testshire/", NOT_PEEL)
    with serve_site(overlays=[overlay]) as site:
        catalogue = local_catalogue(tmp, site.url, synthetic=True)
        pipeline.run_pipeline(catalogue, ALL_CYCLES, list(catalogue.forces))
    with ScriptedServer() as receiver, serve_site(overlays=[overlay, UPDATES_ROOT]) as site:
        receiver.route("/hook", Reply(200, b"ok"))
        hook = f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/hook"
        catalogue = local_catalogue(tmp, site.url, synthetic=True, alert_urls=(hook,))
        pipeline.run_pipeline(catalogue, ["2023-25"], ["northamptonshire"], mode="run", announce=True, alerts=True)
    return Path(catalogue.settings.warehouse)


@pytest.fixture(scope="module")
def package(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data package of that warehouse: its folder."""
    return export(Warehouse(warehouse), "datapackage", tmp_path_factory.mktemp("dp-out"))


def descriptor(folder: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((folder / "datapackage.json").read_text())
    return loaded


def resource(folder: Path, name: str) -> dict[str, Any]:
    return next(r for r in descriptor(folder)["resources"] if r["name"] == name)


def raw_rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "data" / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def errors_of(folder: Path) -> list[tuple[str, str]]:
    report = Package(str(folder / "datapackage.json")).validate()
    return [(e[0], e[1]) for e in report.flatten(["type", "message"])]


def republished(
    warehouse: Path, tmp_path: Path, change: Callable[[dict[str, list[dict[str, Any]]]], None]
) -> Warehouse:
    """A copy of `warehouse` with one more snapshot: its current tables after `change`."""
    copy = Warehouse(shutil.copytree(warehouse, tmp_path / "wh", symlinks=True))
    tables = copy.read_all()
    change(tables)
    copy.publish(tables, "synthetic-test-run")
    return copy


def test_frictionless_finds_the_package_valid_every_row_checked_and_keys_resolved(
    warehouse: Path, package: Path
) -> None:
    tables = Warehouse(warehouse).read_all()
    assert all(tables[name] for name in ("parse_issues", "alerts", "changes"))  # rows in every table with keys
    report = Package(str(package / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "message"])[:5]
    checked = {task.name: task.stats.get("rows", 0) for task in report.tasks}  # none for an empty table
    assert checked == {name: len(rows) for name, rows in tables.items()}  # every table, every row
    references = {
        (r["name"], fk["fields"][0], fk["reference"]["resource"] or r["name"], fk["reference"]["fields"][0])
        for r in descriptor(package)["resources"]
        for fk in r["schema"].get("foreignKeys", [])
    }
    assert {
        ("judgements", "force_id", "forces", "force_id"),
        ("judgements", "cycle_id", "cycles", "cycle_id"),
        ("changes", "from_cycle_id", "cycles", "cycle_id"),
        ("changes", "run_id", "runs", "run_id"),
        ("alerts", "change_id", "changes", "change_id"),
        ("cycles", "previous_cycle_id", "cycles", "cycle_id"),
        ("parse_issues", "force_id", "forces", "force_id"),
    } <= references
    assert ("forces", "force_id", "forces", "force_id") not in references


def test_a_broken_reference_or_a_changed_file_makes_the_package_invalid(package: Path, tmp_path: Path) -> None:
    """The foreign keys and the files' hashes are really checked, so a valid report means something."""
    broken = Path(shutil.copytree(package, tmp_path / "broken"))
    path = broken / "data" / "judgements.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    force = lines[1].split(",")[0]
    lines[1] = "atlantis" + lines[1][len(force) :]
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    found = errors_of(broken)
    assert ("foreign-key", "atlantis") in {(kind, "atlantis") for kind, message in found if "atlantis" in message}
    assert {"hash-count", "byte-count"} <= {kind for kind, _ in found}


def test_schemas_descriptions_and_keys_are_the_data_dictionarys(warehouse: Path, package: Path) -> None:
    document = descriptor(package)
    assert [r["name"] for r in document["resources"]] == list(schemas.TABLES)
    assert document["version"] == schemas.SCHEMA_VERSION and document["profile"] == "tabular-data-package"
    assert document["licenses"][0]["name"] == "OGL-UK-3.0"
    assert document["licenses"][0]["path"].startswith(
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/"
    )
    assert document["sources"][0]["path"] == "https://hmicfrs.justiceinspectorates.gov.uk/peel-assessments/"
    published = Warehouse(warehouse).manifest()["created_at"]  # e.g. 2026-12-04T18:31:45.654773+00:00
    assert document["created"] == published[:19] + "Z"
    for res in document["resources"]:
        assert (res["path"], res["format"], res["mediatype"], res["encoding"]) == (
            f"data/{res['name']}.csv",
            "csv",
            "text/csv",
            "utf-8",
        )
        schema = schemas.TABLES[res["name"]]
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == schema.names
        assert res["schema"].get("primaryKey", []) == list(schemas.KEYS.get(res["name"], ()))
        for field, column in zip(fields, schema, strict=True):
            in_csv = ' (in the CSV: a JSON array, e.g. ["a", "b"])' if field["type"] == "array" else ""
            assert field["description"] == column.metadata[b"description"].decode() + in_csv
            constraints = field.get("constraints", {})
            assert constraints.get("required", False) is not column.nullable
            assert tuple(constraints.get("enum", ())) == schemas.field_allowed(res["name"], column.name)


def test_a_changed_description_shows_in_the_package(warehouse: Path, tmp_path: Path, monkeypatch) -> None:
    schema = schemas.TABLES["judgements"]
    at = schema.get_field_index("grade_source")
    changed = schema.set(at, schema.field(at).with_metadata({"description": "Synthetic description (test)"}))
    monkeypatch.setitem(schemas.TABLES, "judgements", changed)
    folder = export(Warehouse(warehouse), "datapackage", tmp_path)
    fields = {f["name"]: f for f in resource(folder, "judgements")["schema"]["fields"]}
    assert fields["grade_source"]["description"] == "Synthetic description (test)"


def test_a_table_added_to_the_dictionary_is_exported_with_no_code_change(
    warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    """A new table (synthetic) with a list column: in the package with its schema, its references by
    the naming rule, its list as a JSON array, and valid."""
    doc = {"description": "Synthetic test column"}
    monkeypatch.setitem(
        schemas.TABLES,
        "synthetic_visits",
        pa.schema(
            [
                pa.field("force_id", pa.string(), nullable=False, metadata=doc),
                pa.field("visited_cycle_id", pa.string(), metadata=doc),
                pa.field("reasons", pa.list_(pa.string()), metadata=doc),
                pa.field("share", pa.float64(), metadata=doc),
            ]
        ),
    )
    monkeypatch.setitem(schemas.KEYS, "synthetic_visits", ("force_id",))
    rows = [
        {
            "force_id": "testshire",
            "visited_cycle_id": "2017",
            "reasons": ["wrong_page", 'a "quoted", one'],
            "share": 0.25,
        },
        {"force_id": "staffordshire", "visited_cycle_id": None, "reasons": [], "share": None},
        {"force_id": "kent", "visited_cycle_id": "2023-25", "reasons": None, "share": -1.5},
    ]
    copy = republished(warehouse, tmp_path, lambda tables: tables.__setitem__("synthetic_visits", rows))
    folder = export(copy, "datapackage", tmp_path / "out")
    res = resource(folder, "synthetic_visits")
    types = {f["name"]: f["type"] for f in res["schema"]["fields"]}
    assert types == {"force_id": "string", "visited_cycle_id": "string", "reasons": "array", "share": "number"}
    assert "JSON array" in next(f for f in res["schema"]["fields"] if f["name"] == "reasons")["description"]
    assert {fk["fields"][0]: fk["reference"]["resource"] for fk in res["schema"]["foreignKeys"]} == {
        "force_id": "forces",
        "visited_cycle_id": "cycles",
    }
    assert [r["reasons"] for r in raw_rows(folder, "synthetic_visits")] == [
        '["wrong_page", "a \\"quoted\\", one"]',
        "[]",
        "",
    ]
    assert errors_of(folder) == []
    read = Package(str(folder / "datapackage.json")).get_resource("synthetic_visits").read_rows()
    assert [dict(r) for r in read] == rows


def comparable(value: Any) -> Any:
    """A warehouse value as the package gives it back: an empty text is an empty cell, so null."""
    return None if value == "" else value


def test_every_value_round_trips_through_the_package(warehouse: Path, package: Path) -> None:
    tables = Warehouse(warehouse).read_all()
    read = Package(str(package / "datapackage.json"))
    for name, rows in tables.items():
        back = [dict(row) for row in read.get_resource(name).read_rows()]
        expected = [{k: comparable(v) for k, v in row.items()} for row in rows]
        assert back == expected, name
    assert any(r["families_failing"] == "" for r in tables["runs"])  # the one loss: "" reads back as null


def test_dates_booleans_times_and_nulls_are_written_as_the_schema_says(warehouse: Path, package: Path) -> None:
    patterns = {
        "date": r"\d{4}-\d\d-\d\d",
        "datetime": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z",
        "integer": r"-?\d+",
        "boolean": r"true|false",
    }
    tables = Warehouse(warehouse).read_all()
    seen: set[str] = set()
    for res in descriptor(package)["resources"]:
        assert res["schema"]["missingValues"] == [""]
        fields = {f["name"]: f for f in res["schema"]["fields"]}
        for stored, written in zip(tables[res["name"]], raw_rows(package, res["name"]), strict=True):
            for column, text in written.items():
                kind = fields[column]["type"]
                if stored[column] is None or stored[column] == "":
                    assert text == "", (res["name"], column)
                    continue
                if kind in patterns:
                    assert re.fullmatch(patterns[kind], text), (res["name"], column, text)
                    seen.add(kind)
                if kind == "boolean":
                    assert fields[column]["trueValues"] == ["true"] and fields[column]["falseValues"] == ["false"]
                    assert text == ("true" if stored[column] else "false")
    assert seen == set(patterns)
    grades = {(r["force_id"], r["cycle_id"], r["area_id"]): r for r in raw_rows(package, "judgements")}
    # Published: Avon and Somerset 2014, effectiveness assessed but not graded; efficiency outstanding.
    assert grades["avon-and-somerset", "2014", "effectiveness"]["grade"] == ""
    assert grades["avon-and-somerset", "2014", "efficiency"]["grade"] == "outstanding"


def test_text_that_starts_like_a_formula_is_written_as_stored(warehouse: Path, tmp_path: Path) -> None:
    """The published CSV is data for programs: no ' is added (unlike --format csv), and it says so."""
    formula = '=HYPERLINK("http://example.invalid/","synthetic test finding")'

    def plant(tables: dict[str, list[dict[str, Any]]]) -> None:
        tables["findings"][0] = {**tables["findings"][0], "text": formula}

    folder = export(republished(warehouse, tmp_path, plant), "datapackage", tmp_path / "out", csv_guard=True)
    assert formula in {r["text"] for r in raw_rows(folder, "findings")}
    assert "not escaped" in descriptor(folder)["description"]


def test_no_snapshot_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    code = main(["export", "--format", "datapackage", "--warehouse", str(tmp_path / "empty")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "publish a snapshot first" in err
    assert not (tmp_path / "empty" / "exports").exists()


def test_a_folder_in_the_way_is_refused_and_an_earlier_export_replaced(warehouse: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "dist"
    argv = ["export", "--format", "datapackage", "--warehouse", str(warehouse), "--out", str(out), "--json"]
    assert main(argv) == 0
    written = Path(json.loads(capsys.readouterr().out)["written"])
    assert written.parent == out and (written / "datapackage.json").is_file()
    first = {p.relative_to(written): p.read_bytes() for p in written.rglob("*") if p.is_file()}
    # Again, over an earlier export of the same snapshot (one file since damaged): replaced, and every
    # file, datapackage.json too, has the same bytes as the first time.
    (written / "data" / "forces.csv").write_text("damaged")
    assert main(argv) == 0
    capsys.readouterr()
    assert {p.relative_to(written): p.read_bytes() for p in written.rglob("*") if p.is_file()} == first
    # Anything else there is refused with one line, and left as it was.
    (written / "notes.txt").write_text("mine")
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "move it away first" in err and str(written) in err
    assert (written / "notes.txt").read_text() == "mine" and (written / "datapackage.json").is_file()
    assert sorted(p.name for p in out.iterdir()) == [written.name]  # no staging folder left behind


def test_a_snapshot_published_during_the_export_stops_it(warehouse: Path, tmp_path: Path) -> None:
    """Tables read while another run publishes would mix two snapshots: the export refuses them."""
    copy = Warehouse(shutil.copytree(warehouse, tmp_path / "wh", symlinks=True))

    class PublishedMeanwhile(Warehouse):
        def read_all(self) -> dict[str, list[dict[str, Any]]]:
            tables = super().read_all()
            self.publish(tables, "synthetic-concurrent-run")
            return tables

    racing = PublishedMeanwhile(copy.root)
    with pytest.raises(WarehouseError, match="published during the export"):
        export(racing, "datapackage", tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
