"""Knowledge checks: questions from the course's question bank, grading and quiz widgets.

The pure part (:class:`Question`, :func:`grade`, :func:`answer_text`) works on plain data
and is what the tests exercise. :func:`quiz` wires it to ipywidgets: the learner picks an
answer, presses *Check*, and gets feedback computed in the kernel. Every checked answer
is recorded with :mod:`utils.progress`.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from utils import progress
from utils import widget_style as shared
from utils.data import derived_from

QUESTION_TYPES = ("single", "multiple", "matching", "numeric", "label")
DEFAULT_MAX_TRIES = 2
_UNIT_ALIASES = {"%": {"%", "percent", "per cent", "pct"}}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*\.?$")


@dataclass(frozen=True)
class Option:
    """One answer option of a question (see question_options.csv)."""

    option_id: str
    text: str
    correct: bool | None = None
    match: str | None = None
    feedback: str | None = None


@dataclass(frozen=True)
class Question:
    """One question of the bank with its options and the short labels of its sources."""

    question_id: str
    lesson_id: str
    objective_id: str
    type: str
    prompt: str
    explanation: str
    source_ids: tuple[str, ...]
    options: tuple[Option, ...] = ()
    answer_low: float | None = None
    answer_high: float | None = None
    unit: str | None = None
    figure: str | None = None
    max_tries: int = DEFAULT_MAX_TRIES
    source_labels: tuple[str, ...] = ()

    def option(self, option_id: str) -> Option | None:
        """Return the option with this id, or None."""
        for opt in self.options:
            if opt.option_id == option_id:
                return opt
        return None

    @property
    def match_choices(self) -> tuple[str, ...]:
        """Return the partner texts a matching question offers, sorted."""
        return tuple(sorted({o.match for o in self.options if o.match}, key=str.casefold))


@dataclass(frozen=True)
class Feedback:
    """The result of grading one response.

    ``counted`` is False when the response could not be graded (nothing chosen, not a
    number): such a response does not use up a try and is not recorded.
    ``reveal`` holds the correct answer once the learner has used every try.
    """

    correct: bool
    message: str
    source_ids: tuple[str, ...] = ()
    reveal: str | None = None
    counted: bool = True


# ---------------------------------------------------------------- building questions

def _text(value) -> str | None:
    if value is None or not isinstance(value, (str, tuple, list)) and pd.isna(value):
        return None
    text = str(value).strip()
    return text or None


def source_label_map(sources) -> dict[str, str]:
    """Return {source_id: short label} from the sources table (falls back to the id)."""
    if sources is None:
        return {}
    for col in ("short_label", "label", "short", "short_citation", "citation_short", "title"):
        if col in sources.columns:
            return {str(s): (_text(lbl) or str(s)) for s, lbl in zip(sources["source_id"], sources[col])}
    return {str(s): str(s) for s in sources["source_id"]}


def display_order(question_id: str, options: Iterable[Option]) -> tuple[Option, ...]:
    """Return ``options`` in the order learners see them: shuffled, but the same on every run.

    The bank stores options in any order (often the right one first); a fixed hash of the
    question and option ids spreads the right answers over the positions.
    """
    def key(opt: Option) -> str:
        return hashlib.sha256(f"{question_id}/{opt.option_id}".encode()).hexdigest()

    return tuple(sorted(options, key=key))


def questions_from_tables(tables: Mapping) -> dict[str, Question]:
    """Return {question_id: Question} built from loaded ``questions`` / ``question_options`` tables."""
    qdf = tables["questions"]
    odf = tables.get("question_options")
    labels = source_label_map(tables.get("sources"))
    options: dict[str, list[Option]] = {}
    if odf is not None:
        for row in odf.to_dict("records"):
            correct = row.get("correct")
            options.setdefault(row["question_id"], []).append(Option(
                option_id=str(row["option_id"]), text=_text(row.get("text")) or "",
                correct=None if _text(correct) is None else bool(correct),
                match=_text(row.get("match")), feedback=_text(row.get("feedback"))))
    bank = {}
    for row in qdf.to_dict("records"):
        qid = str(row["question_id"])
        sources = tuple(row.get("source_ids") or ())
        low, high = row.get("answer_low"), row.get("answer_high")
        tries = row.get("max_tries")
        bank[qid] = Question(
            question_id=qid, lesson_id=str(row["lesson_id"]), objective_id=str(row["objective_id"]),
            type=str(row["type"]), prompt=_text(row.get("prompt")) or "",
            explanation=_text(row.get("explanation")) or "", source_ids=sources,
            options=display_order(qid, options.get(qid, ())),
            answer_low=None if _text(low) is None else float(low),
            answer_high=None if _text(high) is None else float(high),
            unit=_text(row.get("unit")), figure=_text(row.get("figure")),
            max_tries=DEFAULT_MAX_TRIES if _text(tries) is None else int(tries),
            source_labels=tuple(labels.get(s, s) for s in sources))
    return bank


def question_bank(tables: Mapping | None = None) -> dict[str, Question]:
    """Return every question of the course by id; raises CourseDataError on bad data."""
    if tables is None:
        import utils
        tables = utils.load_course()
    names = tuple(n for n in ("questions", "question_options", "sources") if n in tables)
    return dict(derived_from(tables, names, "question_bank", lambda: questions_from_tables(tables)))


# ---------------------------------------------------------------- grading

def _sources_note(q: Question) -> str:
    labels = q.source_labels or q.source_ids
    return f" (Sources: {'; '.join(labels)}.)" if labels else ""


def _fmt_number(x: float) -> str:
    return f"{x:g}"


def answer_text(q: Question) -> str:
    """Return the correct answer of ``q`` as one readable sentence fragment."""
    if q.type in ("single", "label", "multiple"):
        return "; ".join(o.text for o in q.options if o.correct)
    if q.type == "matching":
        return "; ".join(f"{o.text} → {o.match}" for o in q.options)
    if q.type == "numeric":
        unit = f" {q.unit}" if q.unit else ""
        if q.answer_low == q.answer_high:
            return f"{_fmt_number(q.answer_low)}{unit}"
        return f"between {_fmt_number(q.answer_low)} and {_fmt_number(q.answer_high)}{unit}"
    raise ValueError(f"unknown question type {q.type!r}")


def correct_response(q: Question):
    """Return a response that :func:`grade` accepts as right (for checking a question bank)."""
    if q.type in ("single", "label"):
        return next(o.option_id for o in q.options if o.correct)
    if q.type == "multiple":
        return [o.option_id for o in q.options if o.correct]
    if q.type == "matching":
        return {o.option_id: o.match for o in q.options}
    if q.type == "numeric":
        return (q.answer_low + q.answer_high) / 2
    raise ValueError(f"unknown question type {q.type!r}")


def wrong_responses(q: Question) -> list:
    """Return responses that :func:`grade` must mark wrong: each wrong option or pairing, or numbers out of range."""
    if q.type in ("single", "label"):
        return [o.option_id for o in q.options if not o.correct]
    if q.type == "multiple":
        right = [o.option_id for o in q.options if o.correct]
        wrong = [o.option_id for o in q.options if not o.correct]
        out = [right + [w] for w in wrong]
        if len(right) > 1:
            out.append(right[:-1])  # one correct option left out
        return out
    if q.type == "matching":
        out = []
        for o in q.options:
            for partner in q.match_choices:
                if partner != o.match:
                    out.append({**{p.option_id: p.match for p in q.options}, o.option_id: partner})
        return out
    if q.type == "numeric":
        span = max(abs(q.answer_high - q.answer_low), abs(q.answer_high), 1.0)
        return [q.answer_low - span, q.answer_high + span]
    raise ValueError(f"unknown question type {q.type!r}")


def parse_number(response, unit: str | None = None) -> float | None:
    """Return ``response`` as a float (accepting text such as "10 %" or "7,5"), or None."""
    if isinstance(response, bool) or response is None:
        return None
    if isinstance(response, (int, float)):
        value = float(response)
        return value if math.isfinite(value) else None
    m = _NUMBER.match(str(response))
    if not m:
        return None
    suffix = m.group(2).strip().casefold()
    if suffix:
        allowed = {unit.casefold()} | _UNIT_ALIASES.get(unit, set()) if unit else set()
        if suffix not in allowed:
            return None
    value = float(m.group(1).replace(",", "."))
    return value if math.isfinite(value) else None


def grade(question: Question, response, attempt: int = 1) -> Feedback:
    """Return the Feedback for ``response`` to ``question`` at try number ``attempt``.

    Responses by type: single and label - an option id (label also takes the region id);
    multiple - a collection of option ids; matching - {option id or item text: chosen partner};
    numeric - a number or text such as "10 %". Raises ValueError for an unknown type.
    """
    q = question
    graders = {"single": _grade_single, "label": _grade_single, "multiple": _grade_multiple,
               "matching": _grade_matching, "numeric": _grade_numeric}
    if q.type not in graders:
        raise ValueError(f"unknown question type {q.type!r}")
    outcome = graders[q.type](q, response)
    if isinstance(outcome, str):
        return Feedback(False, outcome, q.source_ids, None, counted=False)
    correct, detail = outcome
    if correct:
        return Feedback(True, f"Correct. {q.explanation}{_sources_note(q)}", q.source_ids)
    reveal = answer_text(q) if attempt >= q.max_tries else None
    message = f"Not quite. {detail}".rstrip()
    if reveal is not None:
        message += f" The answer: {reveal.rstrip('.')}. {q.explanation}"
    else:
        left = q.max_tries - attempt
        message += f" Try again ({left} {'try' if left == 1 else 'tries'} left)."
    return Feedback(False, message + _sources_note(q), q.source_ids, reveal)


def _find_option(q: Question, response) -> Option | None:
    key = _text(response)
    if key is None:
        return None
    opt = q.option(key)
    if opt is None and q.type == "label":
        opt = next((o for o in q.options if o.match == key), None)
    return opt


def _grade_single(q: Question, response):
    if _text(response) is None:
        return "Choose an answer first." if q.type == "single" else "Choose a landmark first."
    opt = _find_option(q, response)
    if opt is None:
        return f"'{response}' is not one of the choices."
    if opt.correct:
        return True, ""
    return False, opt.feedback or ""


def _grade_multiple(q: Question, response):
    if response is None:
        return "Tick at least one option."
    chosen = {str(response)} if isinstance(response, str) else {str(r) for r in response}
    if not chosen:
        return "Tick at least one option."
    unknown = sorted(c for c in chosen if q.option(c) is None)
    if unknown:
        return f"Not one of the choices: {', '.join(unknown)}."
    right = {o.option_id for o in q.options if o.correct}
    extra = [o for o in q.options if o.option_id in chosen - right]
    missing = [o for o in q.options if o.option_id in right - chosen]
    if not extra and not missing:
        return True, ""
    parts = [f"“{o.text}” should not be ticked: {o.feedback or ''}".rstrip() for o in extra]
    if missing:
        n = len(missing)
        parts.append(f"{n} correct option{'s are' if n > 1 else ' is'} not ticked.")
    return False, " ".join(parts)


def _grade_matching(q: Question, response):
    if not isinstance(response, Mapping):
        return "Match every item to a partner first."
    by_key = {}
    for key, choice in response.items():
        opt = q.option(str(key)) or next((o for o in q.options if o.text == key), None)
        if opt is None:
            return f"'{key}' is not one of the items."
        by_key[opt.option_id] = _text(choice)
    unmatched = [o.text for o in q.options if by_key.get(o.option_id) is None]
    if unmatched:
        return f"Match every item first (still open: {', '.join(unmatched)})."
    wrong = [o for o in q.options if by_key[o.option_id] != o.match]
    if not wrong:
        return True, ""
    parts = [f"“{o.text}” is not matched with “{by_key[o.option_id]}”: {o.feedback or ''}".rstrip()
             for o in wrong]
    return False, f"{len(wrong)} of {len(q.options)} pairs are wrong. " + " ".join(parts)


def _grade_numeric(q: Question, response):
    if response is None or _text(response) is None:
        return "Type a number first."
    value = parse_number(response, q.unit)
    unit = f" {q.unit}" if q.unit else ""
    if value is None:
        return f"'{response}' could not be read as a number; type a number such as 12{unit}."
    if q.answer_low <= value <= q.answer_high:
        return True, ""
    side = "low" if value < q.answer_low else "high"

    def accepted(x: float) -> bool:
        return q.answer_low <= x <= q.answer_high

    hint = " The size is right: give it as a positive number." if value < 0 and accepted(-value) else ""
    hint = hint or unit_hint(value, q.unit, accepted)
    return False, f"{_fmt_number(value)}{unit} is too {side} for this question.{hint}"


def unit_hint(value: float, unit: str, accepted) -> str:
    """Return a hint when ``value`` would be ``accepted`` (a test of a number) in the expected unit.

    Catches a fraction typed for a percentage and metres typed for millimetres; returns "" otherwise.
    """
    if unit == "%" and 0 < abs(value) <= 1 and accepted(value * 100):
        return " That looks like a fraction: multiply by 100 for a percentage."
    if unit == "mm" and accepted(value * 1000):
        return " That looks like metres: multiply by 1000 for millimetres."
    return ""


# ---------------------------------------------------------------- static view

def static_html(questions: Iterable[Question]) -> str:
    """Return HTML showing each question with its answer and explanation in a closed <details>."""
    parts = ['<div class="course-quiz course-quiz-static">']
    for q in questions:
        e = html.escape
        parts.append(f'<div class="course-quiz-question"><p><strong>{e(q.prompt)}</strong></p>')
        if q.type in ("single", "multiple", "label"):
            parts.append("<ul>" + "".join(f"<li>{e(o.text)}</li>" for o in q.options) + "</ul>")
        elif q.type == "matching":
            parts.append("<p>Items: " + "; ".join(e(o.text) for o in q.options) + "<br>Partners: "
                         + "; ".join(e(m) for m in q.match_choices) + "</p>")
        labels = "; ".join(q.source_labels or q.source_ids)
        parts.append(f"<details><summary>Answer</summary><p>{e(answer_text(q))}</p>"
                     f"<p>{e(q.explanation)}</p><p><em>Sources: {e(labels)}</em></p></details></div>")
    parts.append("</div>")
    return "".join(parts)


# ---------------------------------------------------------------- widgets

class SessionScore:
    """Running score over every quiz of this kernel session (one result per finished question)."""

    def __init__(self):
        self.results: dict[str, bool] = {}
        self._label: widgets.HTML | None = None

    @property
    def label(self) -> widgets.HTML:
        """Return the shared score widget (created on first use)."""
        if self._label is None:
            self._label = widgets.HTML(self.text())
            self._label.add_class("course-quiz-score")
        return self._label

    def text(self) -> str:
        """Return the score as a sentence."""
        done = len(self.results)
        if not done:
            return "Score this session: no questions finished yet."
        right = sum(self.results.values())
        return f"Score this session: {right} of {done} question{'s' if done != 1 else ''} right."

    def update(self, question_id: str, correct: bool) -> None:
        """Record that ``question_id`` was finished, right or wrong (a right answer is kept once given)."""
        self.results[question_id] = self.results.get(question_id, False) or correct
        if self._label is not None:
            self._label.value = self.text()

    def reset(self) -> None:
        """Forget every result."""
        self.results.clear()
        if self._label is not None:
            self._label.value = self.text()


SESSION_SCORE = SessionScore()
_PLACEHOLDER = "— choose —"


class QuestionCard(widgets.VBox):
    """The widget for one question: prompt, answer controls, Check button (with the tries left) and feedback.

    The feedback area also carries any notice about saving progress.
    """

    def __init__(self, question: Question, *, path: str | Path | None = None,
                 score: SessionScore | None = None):
        self.question = question
        self.path = path
        self.score = score if score is not None else SESSION_SCORE
        self.tries = 0
        self.done = False
        q = question
        self.prompt = shared.html(f"<p><strong>{html.escape(q.prompt)}</strong></p>")
        self.controls: dict[str, widgets.Widget] = {}
        if q.type == "single":
            self.control = widgets.RadioButtons(options=[(o.text, o.option_id) for o in q.options],
                                                value=None, layout=shared.layout(width="auto"),
                                                style=shared.style("description"))
        elif q.type == "multiple":
            self.controls = {o.option_id: widgets.Checkbox(value=False, description=o.text, indent=False,
                                                           layout=shared.layout(), style=shared.style("checkbox"))
                             for o in q.options}
            self.control = widgets.VBox(list(self.controls.values()), layout=shared.layout())
        elif q.type == "matching":
            # each item's text above its own full-width menu, so long items and partners stay readable
            choices = [(_PLACEHOLDER, None)] + [(m, m) for m in q.match_choices]
            self.controls = {o.option_id: widgets.Dropdown(options=choices, index=0,
                                                           layout=shared.layout(width="auto", max_width="100%"),
                                                           style=shared.style("description"))
                             for o in q.options}
            rows = []
            for o in q.options:
                item = shared.html(f"<span>{html.escape(o.text)}</span>")
                rows.append(widgets.VBox([item, self.controls[o.option_id]],
                                         layout=shared.layout(margin="0 0 0.5em 0", width="100%")))
            self.control = widgets.VBox(rows, layout=shared.layout(width="100%"))
        elif q.type == "numeric":
            unit = f" ({q.unit})" if q.unit else ""
            self.control = widgets.Text(value="", placeholder=f"a number{unit}", description=f"Answer{unit}:",
                                        layout=shared.layout(), style=shared.style("text", description_width="initial"))
        elif q.type == "label":
            choices = [(_PLACEHOLDER, None)] + [(o.text, o.option_id) for o in q.options]
            self.control = widgets.Dropdown(options=choices, index=0, description="Landmark:",
                                            layout=shared.layout(width="auto", max_width="100%"),
                                            style=shared.style("description"))
        else:
            raise ValueError(f"unknown question type {q.type!r}")
        self.check_button = widgets.Button(description=self._button_text(), button_style="primary",
                                           tooltip="Check your answer", layout=shared.layout(width="auto"),
                                           style=shared.style("button"))
        self.feedback = shared.html("")
        self.feedback.add_class("course-quiz-feedback")
        self.check_button.on_click(self._on_check)
        super().__init__([self.prompt, self.control, self.check_button, self.feedback], layout=shared.layout())
        self.add_class("course-quiz-question")

    def _button_text(self) -> str:
        if self.done:
            return "Checked"
        left = max(self.question.max_tries - self.tries, 0)
        return f"Check ({left} {'try' if left == 1 else 'tries'} left)"

    def response(self):
        """Return the learner's current answer in the form :func:`grade` takes."""
        t = self.question.type
        if t == "multiple":
            return sorted(k for k, box in self.controls.items() if box.value)
        if t == "matching":
            return {k: dd.value for k, dd in self.controls.items()}
        return self.control.value

    def check(self) -> Feedback:
        """Grade the current answer, show feedback, record it; return the Feedback."""
        response = self.response()
        fb = grade(self.question, response, attempt=self.tries + 1)
        cls = "correct" if fb.correct else ("wrong" if fb.counted else "invalid")
        message = f'<div class="course-quiz-{cls}">{html.escape(fb.message)}</div>'
        if not fb.counted:
            self.feedback.value = message
            return fb
        self.tries += 1
        if fb.correct or fb.reveal is not None:
            self.done = True
            self.check_button.disabled = True
            # the session score counts a question only once it is finished (right, or out of tries)
            self.score.update(self.question.question_id, fb.correct)
        self.check_button.description = self._button_text()
        self.feedback.value = message
        q = self.question
        note = progress.record_answer(lesson_id=q.lesson_id, question_id=q.question_id,
                                      objective_id=q.objective_id, correct=fb.correct,
                                      response=response, path=self.path)
        if note:
            self.feedback.value = message + f'<p class="course-quiz-notice">{html.escape(note)}</p>'
        return fb

    def _on_check(self, _button) -> None:
        if not self.done:
            self.check()


class QuizBox(widgets.VBox):
    """A quiz: one card per question plus the session score; static HTML for exported pages."""

    def __init__(self, cards: list[QuestionCard], score: SessionScore, notices: Iterable[str] = ()):
        self.cards = cards
        notice = shared.html("".join(f"<p>{html.escape(n)}</p>" for n in notices))
        notice.add_class("course-quiz-notice")
        super().__init__([*cards, score.label, notice], layout=shared.layout())
        self.add_class("course-quiz")

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/html"] = static_html(card.question for card in self.cards)
        return data


def quiz(question_ids: str | Iterable[str], *, tables: Mapping | None = None,
         path: str | Path | None = None, score: SessionScore | None = None) -> QuizBox:
    """Return a quiz widget for one question id or a list of them.

    ``tables`` defaults to load_course(); ``path`` to the learner's progress file.
    Raises KeyError naming any id not in the question bank.
    """
    ids = [question_ids] if isinstance(question_ids, str) else list(question_ids)
    bank = question_bank(tables)
    missing = [i for i in ids if i not in bank]
    if missing:
        raise KeyError(f"not in the question bank (questions.csv): {', '.join(missing)}")
    score = score if score is not None else SESSION_SCORE
    notices = progress.check_progress_file(path)
    cards = [QuestionCard(bank[i], path=path, score=score) for i in ids]
    return QuizBox(cards, score, notices)


def lesson_question_ids(lesson_id: str, tables: Mapping | None = None) -> list[str]:
    """Return the ids of a lesson's questions in questions.csv order."""
    bank = question_bank(tables)
    return [qid for qid, q in bank.items() if q.lesson_id == lesson_id]


def lesson_quiz(lesson_id: str, *, tables: Mapping | None = None, path: str | Path | None = None,
                score: SessionScore | None = None) -> QuizBox:
    """Return a quiz of every question of ``lesson_id``; raises KeyError if the lesson has none."""
    ids = lesson_question_ids(lesson_id, tables)
    if not ids:
        raise KeyError(f"no questions for lesson {lesson_id!r} in questions.csv")
    return quiz(ids, tables=tables, path=path, score=score)

