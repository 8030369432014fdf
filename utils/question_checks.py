"""Checks across the question bank tables that a per-column description cannot express.

:func:`check_question_bank` is called by :func:`utils.data.load_course` after every table has
passed its own checks. Each rule names the file, line, column, value and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from utils.data import is_blank

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_GRADED_BY_CORRECT = ("single", "multiple", "label")
# Tables whose ids a label option may name as the region or landmark of a figure.
REGION_TABLES = {"landmarks": "landmark_id", "bones": "bone_id", "muscles": "muscle_id",
                 "compartments": "compartment_id", "boundaries": "boundary_id"}


def check_question_bank(tables: Mapping[str, pd.DataFrame]) -> None:
    """Check questions, question_options and objectives against each other.

    Returns None; raises utils.data.CourseDataError at the first problem.
    """
    from utils.data import CourseDataError, source_line

    questions = tables["questions"]
    options = tables.get("question_options")
    if options is None:
        options = pd.DataFrame(columns=["question_id", "option_id", "text", "correct", "match", "feedback"])
    objectives = tables.get("objectives")
    qfile = questions.attrs.get("file", "questions.csv")
    ofile = options.attrs.get("file", "question_options.csv")

    def fail(problem, df, pos, column, value, expected, file):
        raise CourseDataError(problem, file=file, line=source_line(df, pos), column=column,
                              value=value, expected=expected)

    objective_lesson = {}
    if objectives is not None:
        objective_lesson = dict(zip(objectives["objective_id"], objectives["lesson_id"]))

    region_ids = {str(v) for name, col in REGION_TABLES.items() if name in tables
                  for v in tables[name][col].dropna()}
    region_files = ", ".join(f"{n}.csv" for n in REGION_TABLES if n in tables)
    figure_regions: dict[str, set[str]] = {}
    shapes = tables.get("figure_shapes")
    if shapes is not None and {"figure", "structure_id"} <= set(shapes.columns):
        for fig, structure in zip(shapes["figure"], shapes["structure_id"]):
            figure_regions.setdefault(str(fig), set()).add(str(structure))

    by_question: dict[str, list[int]] = {}
    qtype = dict(zip(questions["question_id"], questions["type"]))
    for pos, qid in enumerate(options["question_id"]):
        if qid not in qtype:
            fail("option of a question that does not exist", options, pos, "question_id", qid,
                 f"a question_id from {qfile}", ofile)
        by_question.setdefault(qid, []).append(pos)

    for pos, q in enumerate(questions.to_dict("records")):
        qid, kind = q["question_id"], q["type"]

        def qfail(problem, column, value, expected):
            fail(problem, questions, pos, column, value, expected, qfile)

        if is_blank(q.get("explanation")):
            qfail("a question has no explanation", "explanation", None,
                  "a sentence saying why the right answer is right")
        if is_blank(q.get("source_ids")):
            qfail("a question cites no source", "source_ids", None, "source ids separated by ';'")
        obj = q.get("objective_id")
        if objectives is not None and obj in objective_lesson and objective_lesson[obj] != q["lesson_id"]:
            qfail("the objective belongs to another lesson", "objective_id", obj,
                  f"an objective of lesson {q['lesson_id']} (objectives.csv says {obj} is lesson "
                  f"{objective_lesson[obj]})")
        low, high = q.get("answer_low"), q.get("answer_high")
        rows = by_question.get(qid, [])
        if kind == "numeric":
            if is_blank(low) or is_blank(high):
                qfail("a numeric question needs both answer_low and answer_high",
                      "answer_low" if is_blank(low) else "answer_high", None, "the accepted range of numbers")
            if low > high:
                qfail("answer_low is greater than answer_high", "answer_low", low,
                      f"a number not above answer_high ({high})")
            if rows:
                fail("a numeric question has options", options, rows[0], "question_id", qid,
                     "no rows in question_options.csv for a numeric question", ofile)
            continue
        for column, value in (("answer_low", low), ("answer_high", high)):
            if not is_blank(value):
                qfail(f"only numeric questions have {column}", column, value, "an empty cell")
        if len(rows) < 2:
            qfail("a question has fewer than two options", "question_id", qid,
                  f"at least two rows for {qid} in question_options.csv")
        if kind == "label" and is_blank(q.get("figure")):
            qfail("a label question names no figure", "figure", None,
                  "the id of the figure whose regions the options name")
        if kind == "label" and figure_regions and q["figure"] not in figure_regions:
            qfail("a label question names a figure that does not exist", "figure", q["figure"],
                  f"a figure of figure_shapes.csv: {', '.join(sorted(figure_regions))}")
        opts = options.iloc[rows]
        if kind in _GRADED_BY_CORRECT:
            for opos, correct in zip(rows, opts["correct"]):
                if is_blank(correct):
                    fail(f"an option of a {kind} question does not say whether it is correct", options,
                         opos, "correct", None, "true or false", ofile)
            n_right = int(sum(bool(c) for c in opts["correct"]))
            if kind in ("single", "label") and n_right != 1:
                qfail(f"a {kind} question must have exactly one correct option", "question_id", qid,
                      f"one option marked correct=true in question_options.csv (found {n_right})")
            if kind == "multiple" and n_right < 1:
                qfail("a multiple question has no correct option", "question_id", qid,
                      "at least one option marked correct=true in question_options.csv")
        for opos, opt in zip(rows, opts.to_dict("records")):
            wrong_possible = kind == "matching" or (kind in _GRADED_BY_CORRECT and not bool(opt["correct"]))
            if wrong_possible and is_blank(opt.get("feedback")):
                fail("an option the learner can get wrong has no feedback", options, opos, "feedback",
                     None, "a sentence explaining why this choice is wrong", ofile)
            match = opt.get("match")
            if kind == "matching" and is_blank(match):
                fail("a matching item has no partner", options, opos, "match", None,
                     "the partner text this item matches", ofile)
            if kind == "label" and (is_blank(match) or not _ID.fullmatch(str(match))):
                fail("a label option does not name a region id", options, opos, "match",
                     None if is_blank(match) else match, "the figure's region or landmark id (snake_case)", ofile)
            if kind == "label" and figure_regions and str(match) not in figure_regions[q["figure"]]:
                fail("a label option names a region the figure does not draw", options, opos, "match", match,
                     f"a structure_id of figure {q['figure']} in figure_shapes.csv", ofile)
            if kind == "label" and region_ids and str(match) not in region_ids:
                fail("a label option names a region that does not exist", options, opos, "match", match,
                     f"an id from {region_files}", ofile)
            if kind in ("single", "multiple") and not is_blank(match):
                fail(f"a {kind} option has a match", options, opos, "match", match, "an empty cell", ofile)
        if kind == "label":
            seen = set()
            for opos, m in zip(rows, opts["match"]):
                if m in seen:
                    fail("two options of a label question name the same region", options, opos, "match", m,
                         "a different region id for each option", ofile)
                seen.add(m)
