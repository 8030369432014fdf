"""The instructor's files are generated from the course tables and are up to date."""

import json
import re
from pathlib import Path

import pytest

from scripts import build_instructor_materials as bim
from utils import load_course
from utils.quizzes import answer_text, question_bank

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "question_bank"
GUIDE = bim.INSTRUCTOR_DIR / bim.GUIDE


def test_committed_files_are_up_to_date():
    stale = [str(p.relative_to(ROOT)) for p in bim.stale_files()]
    assert stale == [], f"out of date: {', '.join(stale)}; run `make instructor`"


def test_every_question_is_in_the_answer_key_with_its_answer():
    tables = load_course()
    key = (bim.INSTRUCTOR_DIR / bim.ANSWER_KEY).read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### `([a-z0-9_]+)`.*?\n(.*?)(?=^### |^## |\Z)", key, re.M | re.S))
    bank = question_bank(tables)
    assert set(sections) == set(bank)
    for qid, q in bank.items():
        assert f"**Answer:** {bim._md(answer_text(q))}" in sections[qid], qid
        for option in q.options:
            assert bim._md(option.text) in sections[qid], (qid, option.option_id)


def test_every_objective_is_in_the_map():
    tables = load_course()
    text = (bim.INSTRUCTOR_DIR / bim.OBJECTIVES_MAP).read_text(encoding="utf-8")
    for oid in tables["objectives"]["objective_id"]:
        assert f"**`{oid}`**" in text
    for qid in tables["questions"]["question_id"]:
        assert f"`{qid}`:" in text


def _fixture_tables(tmp_path, minutes):
    """Copy the question-bank fixture, giving lessons.csv a notebook and a minutes column."""
    data = tmp_path / "data"
    data.mkdir()
    for f in FIXTURE.iterdir():
        data.joinpath(f.name).write_bytes(f.read_bytes())
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    lessons = next(r for r in package["resources"] if r["name"] == "lessons")
    lessons["schema"]["fields"] += [
        {"name": "notebook", "type": "string", "description": "Notebook file."},
        {"name": "minutes", "type": "integer", "description": "Self-study minutes."},
    ]
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    rows = ["lesson_id,title,notebook,minutes"] + [
        f"{lid},Lesson {lid},{lid}_x.ipynb,{m}" for lid, m in minutes.items()]
    (data / "lessons.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return data


def test_answer_key_from_a_small_bank_lists_answers_and_wrong_option_feedback(tmp_path):
    tables = load_course(_fixture_tables(tmp_path, {"02": 30, "03": 35}))
    key = bim.answer_key(tables, notebooks_dir=tmp_path)
    assert "✅ `a` Gastrocnemius" in key
    assert "❌ `b` Soleus — Soleus has one belly" in key
    assert "Accepted: from 9 to 10.5 %." in key
    assert "**Asked in:** no lesson notebook yet" in key
    assert "| item | goes with | feedback if paired wrongly |" in key


def test_answer_key_says_where_each_question_is_asked(tmp_path):
    tables = load_course(_fixture_tables(tmp_path, {"02": 30, "03": 35}))
    nb = {"cells": [{"cell_type": "markdown", "source": ["## 4. Heads\n"]},
                    {"cell_type": "code", "source": ["lesson.quiz([\"q_single\"])\n"]}]}
    (tmp_path / "02_x.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    key = bim.answer_key(tables, notebooks_dir=tmp_path)
    assert "**Asked in:** `notebooks/02_x.ipynb`, section “4. Heads”" in key


def test_scaled_timings_fill_the_time_available_in_proportion():
    timing = bim._scaled({"01": 30, "02": 30, "04": 35, "05": 40}, ("01", "02", "04", "05"), 42)
    assert sum(timing.values()) == 42
    assert timing["05"] >= timing["04"] >= timing["01"] == timing["02"]


def test_session_plans_add_up_to_their_length():
    tables = load_course()
    text = bim.session_plan(tables)
    totals = [int(t) for t in re.findall(r"^\| \*\*total\*\* \| \*\*(\d+)\*\*", text, re.M)]
    assert totals == [plan.total_minutes for plan in bim.PLANS]


def test_guide_without_markers_is_refused():
    with pytest.raises(ValueError, match="markers"):
        bim.guide_with_plan("# A guide with no plan block\n", load_course())


def test_ids_named_in_the_guide_exist_in_the_tables():
    tables = load_course()
    known = set()
    for name, column in (("key_points", "point_id"), ("discrepancies", "discrepancy_id"),
                         ("objectives", "objective_id"), ("questions", "question_id")):
        known |= set(tables[name][column])
    text = GUIDE.read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:k|o)\d\d_\d+|(?:d|q)\d\d_[a-z0-9_]+)`", text))
    assert named, "the guide names no table rows"
    assert sorted(named - known) == []


def test_sections_named_in_the_guide_exist_in_the_lessons():
    headings = set()
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                for line in "".join(cell["source"]).splitlines():
                    match = re.match(r"#{1,4}\s+(?:\d+\.\s+)?(.+?)\s*$", line)
                    if match:
                        headings.add(match.group(1))
    named = set(re.findall(r"§ “(.+?)”", GUIDE.read_text(encoding="utf-8")))
    assert named, "the guide names no lesson section"
    assert sorted(named - headings) == []
