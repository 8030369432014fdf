""""Try it" checkers: right answers in every form pass; missing, extra and wrong-type answers are named."""

import numpy as np
import pytest

from utils import exercises as ex
from utils import load_course


@pytest.fixture(scope="module")
def tables():
    return load_course()


def test_expected_answers_are_computed_from_the_tables(tables):
    # a muscle's heads count as the muscle itself, in both exercises
    right, sources = ex.expected_items("e02_knee_and_ankle", tables)
    assert right == {"gastrocnemius", "plantaris"}
    assert "gray1918" in sources
    right, _ = ex.expected_items("e03_femur_attachments", tables)
    assert right == {"gastrocnemius", "plantaris"}
    right, _ = ex.expected_items("e01_deep_posterior", tables)
    assert right == set(tables["muscles"].query("compartment_id == 'deep_posterior'")["muscle_id"])


@pytest.mark.parametrize("exercise_id", list(ex.EXERCISES))
def test_the_published_solution_is_accepted(tables, exercise_id):
    e = ex.exercise(exercise_id)
    answer = eval(e.solution, {}, {e.table: tables[e.table]})  # noqa: S307 - our own fixed expression
    result = ex.check(exercise_id, answer, tables)
    assert result.correct, result.message
    assert result.message.startswith("**Right.**")


def test_answers_in_every_form_are_accepted(tables):
    m = tables["muscles"]
    rows = m[m["joints_crossed"].map(lambda j: "knee" in j and "ankle" in j)]
    for answer in (rows, rows["muscle_id"], rows["name"], list(rows["muscle_id"]), set(rows["muscle_id"]),
                   tuple(rows["name"].str.upper()), rows.set_index("muscle_id").index,
                   np.array(rows["muscle_id"]), rows["muscle_id"].unique(), list(rows["muscle_id"]) * 2):
        assert ex.check("e02_knee_and_ankle", answer, tables).correct, type(answer)


def test_missing_and_extra_items_are_named(tables):
    result = ex.check("e02_knee_and_ankle", ["gastrocnemius_medial", "soleus"], tables)
    assert not result.correct
    assert set(result.missing) == {"plantaris"}
    assert result.extra == ("soleus",)
    assert "Missing 1" in result.message and "Soleus (`soleus`)" in result.message
    assert "Hint:" in result.message


@pytest.mark.parametrize("exercise_id", ["e02_knee_and_ankle", "e03_femur_attachments"])
@pytest.mark.parametrize("answer", [["gastrocnemius", "plantaris"],
                                    ["gastrocnemius_medial", "gastrocnemius_lateral", "plantaris"],
                                    ["gastrocnemius", "gastrocnemius_medial", "gastrocnemius_lateral", "plantaris"]])
def test_a_muscle_or_its_heads_are_both_right(tables, exercise_id, answer):
    assert ex.check(exercise_id, answer, tables).correct


def test_an_empty_result_names_the_values_of_the_filtered_column(tables):
    m = tables["muscles"]
    result = ex.check("e01_deep_posterior", m[m["compartment_id"] == "deep posterior"]["muscle_id"], tables)
    assert not result.correct and "no rows" in result.message
    assert '"deep_posterior"' in result.message


def test_unknown_items_are_reported(tables):
    result = ex.check("e03_femur_attachments", ["plantaris", "hamstrings", 3], tables)
    assert not result.correct
    assert "'hamstrings'" in result.message and "3" in result.message


@pytest.mark.parametrize("answer, words", [
    (..., "Replace the `...`"),
    (None, "None"),
    ("plantaris", "single piece of text"),
    (42, "int"),
    ({"gastrocnemius": True}, "dict"),
])
def test_wrong_types_get_a_clear_message(tables, answer, words):
    result = ex.check("e02_knee_and_ankle", answer, tables)
    assert not result.correct and words in result.message
    assert result.message.startswith("**Not checked yet.**")


def test_a_filter_instead_of_rows_is_explained(tables):
    mask = tables["muscles"]["compartment_id"] == "deep_posterior"
    result = ex.check("e01_deep_posterior", mask, tables)
    assert not result.correct and "True/False" in result.message


def test_a_dataframe_without_the_id_column_is_explained(tables):
    result = ex.check("e01_deep_posterior", tables["muscles"][["layer"]], tables)
    assert not result.correct and "no column 'muscle_id'" in result.message


def test_unknown_exercise_lists_known_ones(tables):
    with pytest.raises(KeyError, match="e01_deep_posterior"):
        ex.check("e99", [], tables)


def test_result_renders_as_markdown(tables):
    result = ex.check("e01_deep_posterior", [], tables)
    assert result._repr_markdown_() == result.message
    assert ex.solution("e01_deep_posterior").startswith("```python")
