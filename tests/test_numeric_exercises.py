""""Try it" exercises of lessons 04-07 whose answer is a number."""

import numpy as np
import pandas as pd
import pytest

import utils
from utils import numeric_exercises as ne


@pytest.fixture(scope="module")
def tables():
    return utils.load_course()


@pytest.mark.parametrize("eid", list(ne.EXERCISES))
def test_the_published_solution_passes_and_a_wrong_number_fails(eid, tables):
    ns = {"tables": tables}
    exec(ne.exercise(eid).solution, ns)  # the solution shown to learners must be right
    assert ne.check(eid, ns["answer"], tables).correct
    wrong = ne.check(eid, ns["answer"] + 5, tables)
    assert not wrong.correct and "too high" in wrong.message and "Hint:" in wrong.message


def test_expected_values_come_from_the_data(tables):
    value, sources = ne.expected_value("e04_gastrocnemius_shortening", tables)
    assert 30 < value < 37 and "rajagopal2016" in sources
    pooled, _ = ne.expected_value("e06_pooled_absence", tables)
    st = tables["plantaris_studies"].dropna(subset=["limbs_absent", "limbs_examined"])
    limbs = st[st["sample_unit"] == "limbs"]
    assert len(limbs) < len(st), "a study that counts patients, not limbs, is left out of the pool"
    assert pooled == pytest.approx(100 * limbs["limbs_absent"].sum() / limbs["limbs_examined"].sum())


@pytest.mark.parametrize("answer, words", [
    (..., "Replace the `...`"),
    (None, "None"),
    ("33", "expected a number"),
    (True, "expected a number"),
    (pd.Series([1.0, 2.0]), "holds 2 values"),
    (float("nan"), "finite"),
])
def test_unusable_answers_are_explained_not_counted(answer, words, tables):
    result = ne.check("e04_gastrocnemius_shortening", answer, tables)
    assert not result.correct and words in result.message and "Not checked yet" in result.message


def test_one_value_series_and_numpy_numbers_are_accepted(tables):
    value, _ = ne.expected_value("e07_glossary_count", tables)
    assert ne.check("e07_glossary_count", pd.Series([value]), tables).correct
    assert ne.check("e07_glossary_count", np.int64(value), tables).correct


def test_unknown_exercise():
    with pytest.raises(KeyError, match="known"):
        ne.check("e99_nothing", 1)


def test_task_and_solution_text():
    assert ne.task_md("e05_soleus_stance_mean").startswith("**Try it:**")
    assert '`tables["gait_emg"]` and `tables["gait_phases"]`' in ne.task_md("e05_soleus_stance_mean")
    assert "```python" in ne.solution("e06_pooled_absence")


def test_an_amount_is_accepted_with_either_sign_and_the_precision_is_stated(tables):
    value, _ = ne.expected_value("e04_gastrocnemius_shortening", tables)
    assert ne.check("e04_gastrocnemius_shortening", -value, tables).correct
    assert not ne.check("e06_pooled_absence", -ne.expected_value("e06_pooled_absence", tables)[0], tables).correct
    assert "within 0.5 mm" in ne.task_md("e04_gastrocnemius_shortening")
    assert "minus sign" in ne.task_md("e04_gastrocnemius_shortening")
    assert "exact number" in ne.task_md("e07_glossary_count")


def test_an_answer_in_the_wrong_unit_gets_a_hint(tables):
    mm, _ = ne.expected_value("e04_gastrocnemius_shortening", tables)
    metres = ne.check("e04_gastrocnemius_shortening", mm / 1000, tables)
    assert not metres.correct and "looks like metres" in metres.message
    pct, _ = ne.expected_value("e06_pooled_absence", tables)
    fraction = ne.check("e06_pooled_absence", pct / 100, tables)
    assert not fraction.correct and "multiply by 100" in fraction.message
    assert "looks like" not in ne.check("e04_gastrocnemius_shortening", mm + 5, tables).message
