""""Try it" exercises: the learner queries a course table with pandas and a checker says what is right.

The right answer is computed from the tables, never stored. :func:`check` accepts a
DataFrame, a Series, an Index or a list / set / tuple of ids or names, and returns a
:class:`CheckResult` naming missing items, extra items, or a wrong type of answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from utils.narrative import cite, table_sources

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Exercise:
    """One "try it" task: which table to query, how items are named, how to compute the answer."""

    exercise_id: str
    lesson_id: str
    task: str
    table: str
    item_table: str
    item_column: str
    name_column: str
    answer: Callable[[Tables], pd.DataFrame]
    hint: str
    solution: str
    note: str = ""
    filter_column: str | None = None
    merge_heads: bool = False


def _muscles_crossing_knee_and_ankle(t: Tables) -> pd.DataFrame:
    m = t["muscles"]
    return m[m["joints_crossed"].map(lambda js: "knee" in js and "ankle" in js)]


EXERCISES = {e.exercise_id: e for e in (
    Exercise("e00_lesson00_terms", "00", "List the glossary terms (term_id) that lesson 00 introduces.",
             "glossary", "glossary", "term_id", "term",
             lambda t: t["glossary"][t["glossary"]["lesson_id"] == "00"],
             "Keep the rows whose lesson_id column equals the text \"00\", then take the term_id column.",
             'glossary[glossary["lesson_id"] == "00"]["term_id"]'),
    Exercise("e01_deep_posterior", "01", "List the muscles (muscle_id) of the deep posterior compartment.",
             "muscles", "muscles", "muscle_id", "name",
             lambda t: t["muscles"][t["muscles"]["compartment_id"] == "deep_posterior"],
             "Compare the compartment_id column with the value that stands for the deep posterior compartment "
             "(`muscles[\"compartment_id\"].unique()` lists the values) and keep the matching rows.",
             'muscles[muscles["compartment_id"] == "deep_posterior"]["muscle_id"]',
             note="The values in a column are spelled exactly as the table stores them: "
                  "`muscles[\"compartment_id\"].unique()` lists them.",
             filter_column="compartment_id"),
    Exercise("e02_knee_and_ankle", "02", "List the muscles (muscle_id) that cross both the knee and the ankle.",
             "muscles", "muscles", "muscle_id", "name", _muscles_crossing_knee_and_ankle,
             "joints_crossed holds a tuple such as ('knee', 'ankle') in each row. "
             "`muscles[\"joints_crossed\"].map(lambda joints: \"knee\" in joints)` gives True for the rows "
             "whose tuple holds \"knee\"; add `and \"ankle\" in joints` inside it, use the result to select "
             "rows, then take the muscle_id column.",
             'muscles[muscles["joints_crossed"].map(lambda joints: "knee" in joints and "ankle" in joints)]'
             '["muscle_id"]',
             note="A muscle with heads counts once: give the muscle or its heads, either is right.",
             merge_heads=True),
    Exercise("e03_femur_attachments", "03", "List the muscles (muscle_id) that attach to the femur.",
             "attachments", "muscles", "muscle_id", "name",
             lambda t: t["attachments"][t["attachments"]["bone_id"] == "femur"],
             "Keep the rows of attachments whose bone_id is \"femur\", then take the distinct muscle_id values.",
             'attachments[attachments["bone_id"] == "femur"]["muscle_id"].unique()',
             note="A muscle with heads counts once: give the muscle or its heads, either is right.",
             filter_column="bone_id", merge_heads=True),
)}


@dataclass(frozen=True)
class CheckResult:
    """What the checker found. ``correct`` is True only for exactly the right set of items."""

    exercise_id: str
    correct: bool
    message: str
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    source_ids: tuple[str, ...] = field(default=())

    def _repr_markdown_(self) -> str:
        return self.message


def exercise(exercise_id: str) -> Exercise:
    """Return the exercise with this id; raises KeyError listing the known ids."""
    if exercise_id not in EXERCISES:
        raise KeyError(f"unknown exercise {exercise_id!r}; known: {', '.join(EXERCISES)}")
    return EXERCISES[exercise_id]


def _parents(ex: Exercise, tables: Tables) -> dict[str, str]:
    """Return {head id: muscle id} when the exercise counts a muscle's heads as the muscle, else {}."""
    if not ex.merge_heads:
        return {}
    mus = tables["muscles"]
    return {str(m): str(p) for m, p in zip(mus["muscle_id"], mus["parent_id"]) if isinstance(p, str) and p}


def expected_items(exercise_id: str, tables: Tables) -> tuple[frozenset[str], tuple[str, ...]]:
    """Return the right set of ids for the exercise and the sources of the rows behind it.

    For an exercise that counts heads as their muscle, each head's id is replaced by its muscle's.
    """
    ex = exercise(exercise_id)
    rows = ex.answer(tables)
    parents = _parents(ex, tables)
    return frozenset(parents.get(str(v), str(v)) for v in rows[ex.item_column].dropna()), table_sources(rows)


def _names(ex: Exercise, tables: Tables) -> dict[str, str]:
    t = tables[ex.item_table]
    return {str(i): str(n) for i, n in zip(t[ex.item_column], t[ex.name_column])}


def _as_items(answer, ex: Exercise) -> tuple[list | None, str | None]:
    """Return (list of raw items, None) or (None, message saying what kind of answer was expected)."""
    want = (f"a list, Series or DataFrame of {ex.item_column} values (for example the result of "
            f"a filtered table's [\"{ex.item_column}\"] column)")
    if answer is Ellipsis:
        return None, "Replace the `...` with your query, then run the cell again."
    if answer is None:
        return None, f"Your answer is None (did the last line assign or print instead of giving a value?). Expected {want}."
    if isinstance(answer, pd.DataFrame):
        for col in (ex.item_column, ex.name_column):
            if col in answer.columns:
                return list(answer[col].dropna()), None
        return None, (f"Your DataFrame has no column {ex.item_column!r} (its columns: "
                      f"{', '.join(map(str, answer.columns))}). Select rows from a table that has it.")
    if isinstance(answer, pd.Series):
        if answer.dtype == bool or str(answer.dtype) == "boolean":
            return None, ("Your answer is a column of True/False values (a filter). Use it to select rows: "
                          f"table[your_filter][\"{ex.item_column}\"].")
        return list(answer.dropna()), None
    if isinstance(answer, str):
        return None, f"Your answer is a single piece of text ({answer!r}). Expected {want}; put items in a list."
    if isinstance(answer, Mapping):
        return None, f"Your answer is a dict. Expected {want}."
    if isinstance(answer, (pd.Index, np.ndarray, pd.api.extensions.ExtensionArray, list, tuple, set, frozenset)):
        return list(answer), None
    return None, f"Your answer is a {type(answer).__name__}. Expected {want}."


def check(exercise_id: str, answer, tables: Tables | None = None) -> CheckResult:
    """Compare the learner's answer with the one computed from the tables; return a CheckResult.

    Items may be ids or names (case and surrounding spaces are ignored). Duplicates are ignored.
    Raises KeyError for an unknown exercise id.
    """
    ex = exercise(exercise_id)
    if tables is None:
        from utils import load_course
        tables = load_course()
    right, sources = expected_items(exercise_id, tables)
    items, problem = _as_items(answer, ex)
    if problem:
        return CheckResult(exercise_id, False, f"**Not checked yet.** {problem}")
    if not items:
        msg = "**Not yet.** Your query returned no rows."
        if ex.filter_column:
            values = pd.unique(tables[ex.table][ex.filter_column].dropna())
            msg += (f" The value you compared with may not be in the column: the values of "
                    f"`{ex.filter_column}` are " + ", ".join(f'"{v}"' for v in values) + ".")
        return CheckResult(exercise_id, False, f"{msg} Hint: {ex.hint}", tuple(sorted(right)), (), sources)
    names = _names(ex, tables)
    parents = _parents(ex, tables)
    by_text = {k.casefold(): k for k in names} | {v.casefold(): k for k, v in names.items()}
    given, unknown = set(), []
    for item in items:
        if not isinstance(item, str):
            unknown.append(repr(item))
            continue
        key = by_text.get(item.strip().casefold())
        (given.add(parents.get(key, key)) if key else unknown.append(repr(item)))
    missing = tuple(sorted(right - given))
    extra = tuple(sorted(given - right))

    def label(ids):
        return ", ".join(f"{names[i]} (`{i}`)" for i in ids)

    cited = cite(tables, sources)
    if not missing and not extra and not unknown:
        return CheckResult(exercise_id, True,
                           f"**Right.** All {len(right)} items: {label(sorted(right))}. {cited}",
                           source_ids=sources)
    parts = ["**Not yet.**"]
    if unknown:
        parts.append(f"Not a {ex.item_column} or name in {ex.item_table}.csv: {', '.join(unknown)}.")
    if missing:
        parts.append(f"Missing {len(missing)}: {label(missing)}.")
    if extra:
        parts.append(f"Should not be there ({len(extra)}): {label(extra)}.")
    parts.append(f"You gave {len(given)} of the {len(right)} right items. Hint: {ex.hint}")
    return CheckResult(exercise_id, False, " ".join(parts), missing, extra, sources)


def solution(exercise_id: str) -> str:
    """Return one pandas expression that answers the exercise (as Markdown code)."""
    return f"```python\n{exercise(exercise_id).solution}\n```"
