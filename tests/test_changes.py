"""Change detection: year on year, within a cycle, across framework changes; deterministic ids.

Grades here belong to the synthetic force 'testshire' unless they are real published grades.
"""

from __future__ import annotations

from datetime import UTC, datetime

from peelpipe.transform.changes import detect_changes

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def j(
    cycle: str, area: str, grade: str | None, status: str = "graded", force: str = "staffordshire", sha: str = "s1"
) -> dict:
    return {
        "force_id": force,
        "cycle_id": cycle,
        "area_id": area,
        "grade": grade,
        "grade_status": status,
        "source_url": f"https://example.invalid/{force}/{cycle}",
        "content_sha256": sha,
    }


def detect(before, after, catalogue, known=frozenset()):
    return detect_changes(before, after, catalogue, now=NOW, run_id="r1", announce=True, known_ids=set(known))


def kinds(changes):
    return sorted((c["change_type"], c["area_id"], c["from_grade"], c["to_grade"]) for c in changes)


def test_upgrade_year_on_year_staffordshire_effectiveness(catalogue) -> None:
    # Real published grades: Staffordshire effectiveness 2016 requires improvement, 2017 good.
    after = [j("2016", "effectiveness", "requires_improvement"), j("2017", "effectiveness", "good")]
    changes = detect(after, after, catalogue)
    assert kinds(changes) == [("upgrade", "effectiveness", "requires_improvement", "good")]
    assert changes[0]["from_cycle_id"] == "2016" and changes[0]["to_cycle_id"] == "2017"
    assert changes[0]["comparable"] is True
    assert "upgrade" in changes[0]["summary"] and "Staffordshire Police" in changes[0]["summary"]


def test_downgrade_and_no_change_when_equal(catalogue) -> None:
    after = [
        j("2016", "efficiency", "good", force="testshire"),
        j("2017", "efficiency", "inadequate", force="testshire"),
        j("2016", "legitimacy", "good", force="testshire"),
        j("2017", "legitimacy", "good", force="testshire"),
    ]
    assert kinds(detect(after, after, catalogue)) == [("downgrade", "efficiency", "good", "inadequate")]


def test_framework_change_is_not_comparable(catalogue) -> None:
    after = [
        j("2021-22", "investigating-crime", "inadequate", force="testshire"),
        j("2023-25", "investigating-crime", "adequate", force="testshire"),
    ]
    changes = detect(after, after, catalogue)
    assert kinds(changes) == [("not_comparable", "investigating-crime", "inadequate", "adequate")]
    assert changes[0]["comparable"] is False


def test_within_cycle_correction_newly_graded_withdrawn_and_new_assessment(catalogue) -> None:
    before = [
        j("2017", "effectiveness", None, "pending", force="testshire"),
        j("2017", "efficiency", "good", force="testshire"),
        j("2017", "legitimacy", "good", force="testshire"),
    ]
    after = [
        j("2017", "effectiveness", "good", force="testshire", sha="s2"),
        j("2017", "efficiency", "requires_improvement", force="testshire", sha="s2"),
        j("2016", "efficiency", "good", force="testshire"),
    ]
    changes = detect(before, after, catalogue)
    assert kinds(changes) == [
        ("correction", "efficiency", "good", "requires_improvement"),
        ("downgrade", "efficiency", "good", "requires_improvement"),
        ("new_assessment", None, None, None),
        ("newly_graded", "effectiveness", "pending", "good"),
        ("withdrawn", "legitimacy", "good", None),
    ]


def test_ids_are_deterministic_and_known_changes_are_not_repeated(catalogue) -> None:
    after = [j("2016", "effectiveness", "requires_improvement"), j("2017", "effectiveness", "good")]
    first = detect(after, after, catalogue)
    again = detect(after, after, catalogue)
    assert [c["change_id"] for c in first] == [c["change_id"] for c in again]
    assert detect(after, after, catalogue, known={c["change_id"] for c in first}) == []


def test_reworded_findings_are_a_change_once(catalogue) -> None:
    from peelpipe.transform.changes import detect_finding_changes

    def f(text: str, kind: str = "area_for_improvement") -> dict:
        return {
            "force_id": "testshire",
            "cycle_id": "2023-25",
            "area_id": "responding-to-the-public",
            "kind": kind,
            "text": text,
        }

    before = [f("The force should answer 101 calls faster."), f("The force should review call grading.")]
    after = [f("The force should answer 101 and 999 calls faster."), f("The force should review call grading.")]
    changes = detect_finding_changes(before, after, catalogue, now=NOW, run_id="r", announce=True, known_ids=set())
    assert [(c["change_type"], c["area_id"]) for c in changes] == [("findings_changed", "responding-to-the-public")]
    assert "1 new, 1 removed" in changes[0]["summary"]
    again = detect_finding_changes(
        before, after, catalogue, now=NOW, run_id="r", announce=True, known_ids={changes[0]["change_id"]}
    )
    assert again == []
    assert detect_finding_changes([], after, catalogue, now=NOW, run_id="r", announce=True, known_ids=set()) == []
