"""The question bank: cross-table rules name file, line and column; the course's own bank is sound."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from utils import CourseDataError, load_course
from utils.data import clear_cache
from utils.question_checks import check_question_bank
from utils.quizzes import correct_response, grade, question_bank, wrong_responses

FIXTURE = Path(__file__).parent / "fixtures" / "question_bank"
BANK_RESOURCES = ("objectives", "questions", "question_options")


@pytest.fixture
def data_dir(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "data")
    clear_cache()
    yield tmp_path / "data"
    clear_cache()


def edit(data_dir, name, old, new):
    path = data_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(data_dir, name, start):
    for number, line in enumerate((data_dir / name).read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith(start):
            return number
    raise AssertionError(start)


def test_fixture_bank_is_valid(data_dir):
    tables = load_course(data_dir)
    assert check_question_bank(tables) is None
    assert len(tables["questions"]) == 5


Q_HEAD = "questions.csv"
O_HEAD = "question_options.csv"

CASES = [
    # (file edited, old text, new text, file named in error, line starts with, column, words in message)
    (O_HEAD, "q_single,b,Soleus,false", "q_single,b,Soleus,true", Q_HEAD, "q_single,", "question_id",
     "exactly one correct"),
    (O_HEAD, "q_single,a,Gastrocnemius,true", "q_single,a,Gastrocnemius,false", Q_HEAD, "q_single,",
     "question_id", "exactly one correct"),
    (O_HEAD, "q_multiple,a,Gastrocnemius,true,,\nq_multiple,b,Soleus,true,,",
     "q_multiple,a,Gastrocnemius,false,,x\nq_multiple,b,Soleus,false,,y", Q_HEAD, "q_multiple,", "question_id",
     "no correct option"),
    (Q_HEAD, "9,10.5,%", "11,10.5,%", Q_HEAD, "q_numeric,", "answer_low", "greater than answer_high"),
    (Q_HEAD, "9,10.5,%", ",10.5,%", Q_HEAD, "q_numeric,", "answer_low", "needs both"),
    (O_HEAD, "q_label,a,", "q_numeric,z,Ten,,,\nq_label,a,", O_HEAD, "q_numeric,z", "question_id",
     "numeric question has options"),
    (O_HEAD, ",,Tibia and fibula,", ",,,", O_HEAD, "q_matching,soleus", "match", "no partner"),
    (O_HEAD, "q_label,b,Medial border,false,medial_border,", "q_label,b,Medial border,false,Medial Border,",
     O_HEAD, "q_label,b", "match", "region id"),
    (O_HEAD, "q_label,b,Medial border,false,medial_border,", "q_label,b,Medial border,false,soleal_line,",
     O_HEAD, "q_label,b", "match", "same region"),
    (O_HEAD, ",Plantaris has a single small belly.", ",", O_HEAD, "q_single,c", "feedback", "no feedback"),
    (O_HEAD, ",Soleus does not reach the femur.", ",", O_HEAD, "q_matching,soleus", "feedback", "no feedback"),
    (O_HEAD, "q_single,c,Plantaris,false", "q_single,c,Plantaris,", O_HEAD, "q_single,c", "correct",
     "whether it is correct"),
    (O_HEAD, "q_single,a,Gastrocnemius,true,,", "q_single,a,Gastrocnemius,true,gastro,", O_HEAD, "q_single,a",
     "match", "has a match"),
    (Q_HEAD, "q_numeric,02,o02_2", "q_numeric,02,o03_1", Q_HEAD, "q_numeric,", "objective_id", "another lesson"),
    (O_HEAD, "q_label,a,Soleal line,true,soleal_line,\nq_label,b,Medial border,false,medial_border,"
             "That is the medial border of the tibia.\n", "", Q_HEAD, "q_label,", "question_id",
     "fewer than two options"),
    (Q_HEAD, ",,,,tibia_posterior,1,", ",,,,,1,", Q_HEAD, "q_label,", "figure", "names no figure"),
    (Q_HEAD, "lateral head.,,,,,2,true,gray1918", "lateral head.,3,4,,,2,true,gray1918", Q_HEAD,
     "q_single,", "answer_low", "only numeric"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[-1] for c in CASES])
def test_cross_checks_name_file_line_and_column(data_dir, case):
    edited, old, new, file, start, column, words = case
    edit(data_dir, edited, old, new)
    with pytest.raises(CourseDataError) as info:
        load_course(data_dir)
    err = info.value
    assert words in str(err)
    assert err.file == file
    assert err.line == line_of(data_dir, file, start)
    assert err.column == column


def test_label_region_must_exist_when_region_tables_are_loaded(data_dir):
    tables = load_course(data_dir)
    landmarks = pd.DataFrame({"landmark_id": ["soleal_line", "head_of_fibula"]})
    with pytest.raises(CourseDataError, match="region that does not exist") as info:
        check_question_bank({**tables, "landmarks": landmarks})
    assert info.value.value == "medial_border"


def test_label_figure_and_regions_must_exist_in_figure_shapes(data_dir):
    tables = load_course(data_dir)
    shapes = pd.DataFrame({"figure": ["tibia_posterior", "tibia_posterior", "other"],
                           "structure_id": ["soleal_line", "medial_border", "head_of_fibula"]})
    assert check_question_bank({**tables, "figure_shapes": shapes}) is None
    with pytest.raises(CourseDataError, match="the figure does not draw") as info:
        check_question_bank({**tables, "figure_shapes": shapes.iloc[[0, 2]]})
    assert (info.value.file, info.value.column, info.value.value) == (O_HEAD, "match", "medial_border")
    with pytest.raises(CourseDataError, match="figure that does not exist") as info:
        check_question_bank({**tables, "figure_shapes": shapes.iloc[[2]]})
    assert (info.value.file, info.value.column, info.value.value) == (Q_HEAD, "figure", "tibia_posterior")


def test_blank_explanation_is_rejected(data_dir):
    edit(data_dir, Q_HEAD, "Gastrocnemius has a medial and a lateral head.", "")
    with pytest.raises(CourseDataError) as info:
        load_course(data_dir)
    assert info.value.column == "explanation" and info.value.line == line_of(data_dir, Q_HEAD, "q_single,")


def test_unknown_source_is_rejected(data_dir):
    edit(data_dir, Q_HEAD, "gray1918;statpearls_soleus", "gray1918;nobody2000")
    with pytest.raises(CourseDataError) as info:
        load_course(data_dir)
    assert info.value.column == "source_ids" and info.value.value == "nobody2000"


# ---------------------------------------------------------------- the course's own bank

@pytest.fixture(scope="module")
def course_tables():
    clear_cache()
    return load_course()


def test_course_describes_bank_tables_like_the_fixture(course_tables):
    package = json.loads((Path(__file__).parent.parent / "course_data" / "datapackage.json").read_text("utf-8"))
    fixture = json.loads((FIXTURE / "datapackage.json").read_text("utf-8"))
    schema = {r["name"]: r["schema"] for r in package["resources"]}
    for r in fixture["resources"]:
        if r["name"] in BANK_RESOURCES:
            assert schema[r["name"]] == r["schema"], r["name"]


def test_course_bank_has_every_type_and_cited_sources(course_tables):
    bank = question_bank(course_tables)
    assert {q.type for q in bank.values()} == {"single", "multiple", "matching", "numeric", "label"}
    known = set(course_tables["sources"]["source_id"])
    for q in bank.values():
        assert q.source_ids and set(q.source_ids) <= known, q.question_id
        assert len(q.source_labels) == len(q.source_ids)


def test_course_numeric_questions_match_plantaris_studies(course_tables):
    bank = question_bank(course_tables)
    studies = course_tables["plantaris_studies"]
    for q in bank.values():
        if q.type == "numeric" and "plantaris" in q.question_id:
            rows = studies[studies["source_id"].isin(q.source_ids)]
            lows, highs = rows["absence_percent_low"], rows["absence_percent_high"]
            assert ((lows == q.answer_low) & (highs == q.answer_high)).any(), q.question_id


def test_every_course_question_grades_right_and_wrong(course_tables):
    bank = question_bank(course_tables)
    assert bank
    for q in bank.values():
        right = grade(q, correct_response(q))
        assert right.correct and q.explanation in right.message, q.question_id
        for response in wrong_responses(q):
            fb = grade(q, response)
            assert fb.counted and not fb.correct, (q.question_id, response)
        for o in q.options:
            if q.type in ("single", "label") and not o.correct:
                assert o.feedback in grade(q, o.option_id).message
