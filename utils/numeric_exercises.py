""""Try it" exercises of lessons 04–07 whose answer is one number computed from the tables.

Like :mod:`utils.exercises` (whose :class:`~utils.exercises.CheckResult` the checker returns),
the right answer is computed from the course tables, never stored; :func:`check` accepts a
number (or a one-value Series) and says whether it matches within the exercise's tolerance.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from utils.exercises import CheckResult
from utils.narrative import cite, table_sources, unique_ids
from utils.quizzes import unit_hint

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class NumericExercise:
    """One "try it" task whose answer is a number: tables used, unit, tolerance, how to compute it.

    ``signed=False`` marks a task that asks for an amount (how much shorter), so either sign is accepted.
    """

    exercise_id: str
    lesson_id: str
    task: str
    tables: tuple[str, ...]
    unit: str
    tolerance: float
    answer: Callable[[Tables], tuple[float, tuple[str, ...]]]
    hint: str
    solution: str
    signed: bool = True


def _shortening(t: Tables) -> tuple[float, tuple[str, ...]]:
    g = t["muscle_geometry"]
    rows = g[(g["model"] == "rajagopal2016") & (g["muscle_id"] == "gastrocnemius_medial")
             & (g["ankle_dorsiflexion_deg"] == 0)]
    straight = rows.loc[rows["knee_flexion_deg"] == 0, "length_m"]
    bent = rows.loc[rows["knee_flexion_deg"] == 90, "length_m"]
    if len(straight) != 1 or len(bent) != 1:
        raise ValueError("muscle_geometry.csv lacks the rajagopal2016 gastrocnemius_medial rows at ankle 0°, "
                         "knee 0° and 90°")
    return (float(straight.iloc[0]) - float(bent.iloc[0])) * 1000.0, table_sources(rows)


def _soleus_stance_mean(t: Tables) -> tuple[float, tuple[str, ...]]:
    emg, phases = t["gait_emg"], t["gait_phases"]
    end = float(phases.loc[phases["phase"] == "stance", "end_percent"].iloc[0])
    rows = emg[(emg["muscle"] == "soleus") & (emg["percent_cycle"] < end)]
    return float(rows["envelope"].mean()), unique_ids([table_sources(rows), table_sources(phases)])


def _pooled_absence(t: Tables) -> tuple[float, tuple[str, ...]]:
    st = t["plantaris_studies"]
    rows = st[st["limbs_absent"].notna() & st["limbs_examined"].notna() & (st["sample_unit"] == "limbs")]
    return (100.0 * float(rows["limbs_absent"].sum()) / float(rows["limbs_examined"].sum()),
            table_sources(rows))


def _glossary_count(t: Tables) -> tuple[float, tuple[str, ...]]:
    g = t["glossary"]
    rows = g[g["lesson_id"].isin(["04", "05", "06"])]
    return float(len(rows)), table_sources(rows)


EXERCISES = {e.exercise_id: e for e in (
    NumericExercise(
        "e04_gastrocnemius_shortening", "04",
        "How many millimetres shorter is the medial head of gastrocnemius (`gastrocnemius_medial`) in the "
        "`rajagopal2016` model with the knee bent to 90° than with the knee straight (0°), both with the ankle at 0°?",
        ("muscle_geometry",), "mm", 0.5, _shortening,
        "Keep the rows with model \"rajagopal2016\", muscle_id \"gastrocnemius_medial\" and "
        "ankle_dorsiflexion_deg 0; then take length_m at knee_flexion_deg 0 and at 90, subtract, and "
        "multiply by 1000 to turn metres into millimetres.",
        'g = tables["muscle_geometry"]\n'
        'rows = g[(g["model"] == "rajagopal2016") & (g["muscle_id"] == "gastrocnemius_medial")\n'
        '         & (g["ankle_dorsiflexion_deg"] == 0)].set_index("knee_flexion_deg")\n'
        'answer = (rows.loc[0, "length_m"] - rows.loc[90, "length_m"]) * 1000',
        signed=False),
    NumericExercise(
        "e05_soleus_stance_mean", "05",
        "What is the average soleus envelope over the stance phase, that is over the rows of `gait_emg` whose "
        "percent_cycle is below the end of stance given in `gait_phases`?",
        ("gait_emg", "gait_phases"), "", 0.005, _soleus_stance_mean,
        "Read end_percent of the stance row of gait_phases; keep the soleus rows of gait_emg with "
        "percent_cycle below it; take the mean of their envelope column.",
        'phases, emg = tables["gait_phases"], tables["gait_emg"]\n'
        'stance_end = phases.loc[phases["phase"] == "stance", "end_percent"].iloc[0]\n'
        'soleus = emg[emg["muscle"] == "soleus"]\n'
        'answer = soleus.loc[soleus["percent_cycle"] < stance_end, "envelope"].mean()'),
    NumericExercise(
        "e06_pooled_absence", "06",
        "Pool the plantaris studies that count limbs: add up limbs_absent and limbs_examined over the rows of "
        "`plantaris_studies` where both are known and sample_unit is \"limbs\" (one study counted patients "
        "instead), and give the pooled percentage of limbs without plantaris.",
        ("plantaris_studies",), "%", 0.05, _pooled_absence,
        "Keep the rows where both columns are not missing (.notna()) and sample_unit is \"limbs\", sum each "
        "column, divide, and multiply by 100.",
        'st = tables["plantaris_studies"]\n'
        'known = st[st["limbs_absent"].notna() & st["limbs_examined"].notna() & (st["sample_unit"] == "limbs")]\n'
        'answer = 100 * known["limbs_absent"].sum() / known["limbs_examined"].sum()'),
    NumericExercise(
        "e07_glossary_count", "07",
        "How many glossary terms do lessons 04, 05 and 06 introduce together?",
        ("glossary",), "terms", 0.0, _glossary_count,
        "Keep the rows of glossary whose lesson_id is one of \"04\", \"05\", \"06\" (.isin([...])) and "
        "count them with len().",
        'glossary = tables["glossary"]\n'
        'answer = len(glossary[glossary["lesson_id"].isin(["04", "05", "06"])])'),
)}


def exercise(exercise_id: str) -> NumericExercise:
    """Return the exercise with this id; raises KeyError listing the known ids."""
    if exercise_id not in EXERCISES:
        raise KeyError(f"unknown exercise {exercise_id!r}; known: {', '.join(EXERCISES)}")
    return EXERCISES[exercise_id]


def expected_value(exercise_id: str, tables: Tables) -> tuple[float, tuple[str, ...]]:
    """Return the right answer computed from the tables and the sources of the rows behind it."""
    return exercise(exercise_id).answer(tables)


def task_md(exercise_id: str) -> str:
    """Return the task as Markdown, naming the tables to use."""
    ex = exercise(exercise_id)
    names = " and ".join(f"`tables[\"{t}\"]`" for t in ex.tables)
    unit = f" (in {ex.unit})" if ex.unit else ""
    word = "table" if len(ex.tables) == 1 else "tables"
    return (f"**Try it:** {ex.task} Use the {word} {names}. Put your answer{unit} in place of the `...` "
            "below and run the cell; the checker compares it with the value computed from the data"
            f"{_precision(ex)}.")


def _precision(ex: NumericExercise) -> str:
    """Return how close an answer must be, as the end of a sentence."""
    unit = " percentage points" if ex.unit == "%" else (f" {ex.unit}" if ex.unit else "")
    if ex.tolerance == 0:
        text = " and accepts only the exact number"
    else:
        text = f" and accepts answers within {ex.tolerance:g}{unit} of it"
    if not ex.signed:
        text += "; give the amount with or without a minus sign"
    return text


def _as_number(answer) -> tuple[float | None, str | None]:
    if answer is Ellipsis:
        return None, "Replace the `...` with your calculation, then run the cell again."
    if answer is None:
        return None, "Your answer is None (did the last line print instead of giving a value?). Expected a number."
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray)):
        values = np.asarray(answer, dtype=object).ravel()
        if values.size != 1:
            return None, (f"Your answer holds {values.size} values; expected one number. Pick the one value "
                          "(for example with .iloc[0] or .mean()).")
        answer = values[0]
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        return None, f"Your answer is a {type(answer).__name__} ({answer!r}); expected a number."
    value = float(answer)
    if not math.isfinite(value):
        return None, f"Your answer is {value}; expected a finite number (check for missing values)."
    return value, None


def check(exercise_id: str, answer, tables: Tables | None = None) -> CheckResult:
    """Compare the learner's number with the one computed from the tables; return a CheckResult.

    Raises KeyError for an unknown exercise id.
    """
    ex = exercise(exercise_id)
    if tables is None:
        from utils import load_course
        tables = load_course()
    right, sources = expected_value(exercise_id, tables)
    value, problem = _as_number(answer)
    if problem:
        return CheckResult(exercise_id, False, f"**Not checked yet.** {problem}")
    unit = f" {ex.unit}" if ex.unit else ""
    shown = f"{right:.0f}" if ex.tolerance == 0 else f"{right:.3g}"
    if not ex.signed:
        value, right = abs(value), abs(right)
    if abs(value - right) <= ex.tolerance + 1e-9:
        return CheckResult(exercise_id, True, f"**Right.** {shown}{unit}, computed from "
                           f"{', '.join(t + '.csv' for t in ex.tables)}. {cite(tables, sources)}",
                           source_ids=sources)
    side = "too high" if value > right else "too low"
    scale = unit_hint(value, ex.unit, lambda x: abs(x - right) <= ex.tolerance + 1e-9)
    return CheckResult(exercise_id, False, f"**Not yet.** {value:g}{unit} is {side}.{scale} Hint: {ex.hint}",
                       source_ids=sources)


def solution(exercise_id: str) -> str:
    """Return one pandas calculation that answers the exercise (as Markdown, code block included)."""
    return f"One possible answer:\n\n```python\n{exercise(exercise_id).solution}\n```"
