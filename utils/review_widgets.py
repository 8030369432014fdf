"""Review tools for lesson 07: glossary flip cards and a review quiz weighted toward what was missed.

The pure parts (:func:`card_faces`, :func:`deck_terms`, :func:`review_questions`) work on
course tables; :class:`GlossaryDeck` and :class:`ReviewSession` are thin ipywidgets wiring.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

import ipywidgets as widgets
import pandas as pd

from utils import progress
from utils.display import Figure, bar, new_figure, plotly_template, set_outputs
from utils.narrative import cite, unique_ids
from utils.style import FONT_FAMILY, OKABE_ITO

PROBE = "course-probe"
PROBE_OUTPUT = "course-probe-output"
ALL_LESSONS = "all"
REVIEW_SEED = 2026
REVIEW_SIZE = 8
READING_GROUPS = (("textbook", "Textbooks and reference chapters"), ("article", "Research articles"),
                  ("website", "Websites and atlases"), ("dataset", "Data and models"), ("ontology", "Ontologies"))


def _tables(tables):
    if tables is None:
        import utils
        tables = utils.load_course()
    return tables


@dataclass(frozen=True)
class CardFaces:
    """The two sides of a glossary card, as plain text."""

    term_id: str
    front: str
    definition: str
    lesson: str
    sources: str


def card_faces(term: Mapping, tables: Mapping | None = None) -> CardFaces:
    """Return the faces of one glossary row: the term in front; definition, lesson and sources behind.

    With ``tables`` the lesson gets its title and the sources their short labels; without, ids are shown.
    Raises KeyError naming a missing column.
    """
    for col in ("term_id", "term", "definition", "lesson_id", "source_ids"):
        if col not in term:
            raise KeyError(f"glossary row has no {col!r} column")
    lesson_id = str(term["lesson_id"])
    title = ""
    ids = term["source_ids"]
    ids = list(ids) if isinstance(ids, (tuple, list)) else [s for s in str(ids).split(";") if s]
    sources = "Sources: " + ", ".join(ids) if ids else ""
    if tables is not None:
        lessons = tables["lessons"]
        match = lessons[lessons["lesson_id"] == lesson_id]
        if not match.empty:
            title = str(match.iloc[0]["title"])
        if ids:
            sources = "Sources: " + cite(tables, ids)
    lesson = f"Lesson {lesson_id}" + (f": {title}" if title else "")
    return CardFaces(str(term["term_id"]), str(term["term"]), str(term["definition"]), lesson, sources)


def deck_terms(glossary: pd.DataFrame, lesson_id: str = ALL_LESSONS) -> list[dict]:
    """Return the glossary rows for one lesson (or all), sorted by lesson then term."""
    rows = glossary if lesson_id == ALL_LESSONS else glossary[glossary["lesson_id"] == lesson_id]
    rows = rows.sort_values(["lesson_id", "term"], key=lambda s: s.astype(str).str.casefold())
    return rows.to_dict("records")


def card_html(faces: CardFaces, flipped: bool) -> str:
    """Return the HTML of a card showing its front (term) or its back (definition, lesson, sources)."""
    e = html.escape
    if not flipped:
        return (f'<div class="course-flip-card course-flip-front" role="region" aria-label="card front">'
                f'<p style="font-size:1.4em;margin:1.2em 0"><strong>{e(faces.front)}</strong></p>'
                f'<p><em>Front: say what it means, then turn the card.</em></p></div>')
    return (f'<div class="course-flip-card course-flip-back" role="region" aria-label="card back">'
            f'<p><strong>{e(faces.front)}</strong>: {e(faces.definition)}</p>'
            f'<p>{e(faces.lesson)}</p><p><small>{e(faces.sources)}</small></p></div>')


class GlossaryDeck(widgets.VBox):
    """Glossary flip cards: term on the front; definition, lesson and sources on the back.

    The *Turn card* button carries ``course-probe``; the card carries ``course-probe-output``.
    """

    def __init__(self, tables: Mapping | None = None, probe: bool = True):
        self.tables = _tables(tables)
        glossary = self.tables["glossary"]
        lessons = self.tables.get("lessons")
        ids = sorted(set(glossary["lesson_id"].astype(str)))
        titles = dict(zip(lessons["lesson_id"], lessons["title"])) if lessons is not None else {}
        self.lesson = widgets.Dropdown(
            options=[("All lessons", ALL_LESSONS)] + [(f"Lesson {i}: {titles.get(i, '')}".rstrip(": "), i)
                                                      for i in ids],
            value=ALL_LESSONS, description="Cards from:")
        self.flip_button = widgets.Button(description="Turn card", tooltip="Show the other side of the card")
        self.prev_button = widgets.Button(description="◀ Previous", tooltip="Previous card")
        self.next_button = widgets.Button(description="Next ▶", tooltip="Next card")
        self.counter = widgets.HTML()
        self.card = widgets.HTML()
        if probe:
            self.flip_button.add_class(PROBE)
            self.card.add_class(PROBE_OUTPUT)
        self.index = 0
        self.flipped = False
        self.terms: list[dict] = []
        self.flip_button.on_click(lambda _b: self.flip())
        self.prev_button.on_click(lambda _b: self.move(-1))
        self.next_button.on_click(lambda _b: self.move(+1))
        self.lesson.observe(self._on_lesson, names="value")
        super().__init__([self.lesson, self.card,
                          widgets.HBox([self.prev_button, self.flip_button, self.next_button, self.counter])])
        self.add_class("course-glossary-deck")
        self._load()

    def _load(self) -> None:
        self.terms = deck_terms(self.tables["glossary"], self.lesson.value)
        self.index, self.flipped = 0, False
        self._show()

    def faces(self) -> CardFaces:
        """Return the faces of the current card."""
        return card_faces(self.terms[self.index], self.tables)

    def _show(self) -> None:
        if not self.terms:
            self.card.value = "<p>No glossary terms for this lesson.</p>"
            self.counter.value = ""
            return
        self.card.value = card_html(self.faces(), self.flipped)
        side = "back" if self.flipped else "front"
        self.counter.value = f"Card {self.index + 1} of {len(self.terms)} ({side})"

    def flip(self) -> None:
        """Turn the current card over."""
        self.flipped = not self.flipped
        self._show()

    def move(self, step: int) -> None:
        """Go ``step`` cards forward (negative: back), wrapping around, front side up."""
        if self.terms:
            self.index = (self.index + step) % len(self.terms)
        self.flipped = False
        self._show()

    def _on_lesson(self, _change) -> None:
        self._load()


PROGRESS_PARTS = (("mastered", "last answer right", OKABE_ITO["bluish_green"], ""),
                  ("to_review", "to review (last answer wrong)", OKABE_ITO["vermillion"], "x"),
                  ("not_attempted", "not tried yet", OKABE_ITO["grey"], "."))


def progress_description(summary: pd.DataFrame) -> str:
    """Return the progress figure in words: per lesson, questions right, to review and not tried."""
    lessons = summary[summary["level"] == "lesson"]
    if lessons.empty:
        return "No questions in the bank yet."
    parts = []
    for r in lessons.to_dict("records"):
        parts.append(f"lesson {r['lesson_id']}: {r['mastered']} right, {r['to_review']} to review, "
                     f"{r['not_attempted']} not tried of {r['questions']}")
    return "Your progress by lesson: " + "; ".join(parts) + "."


def progress_figure(summary: pd.DataFrame) -> Figure:
    """Return stacked bars per lesson: questions last answered right, to review, and not tried.

    ``summary`` is :func:`utils.progress.summary`; its lesson rows are drawn. Each part has its own
    colour, fill pattern and a count label. ``layout.meta`` holds the description.
    """
    lessons = summary[summary["level"] == "lesson"]
    labels = [f"Lesson {i}" for i in lessons["lesson_id"]]
    data = []
    for col, name, colour, pattern in PROGRESS_PARTS:
        values = [int(v) for v in lessons[col]]
        data.append(bar(y=labels, x=values, name=name, orientation="h",
                           text=[str(v) if v else "" for v in values], textposition="inside",
                           marker={"color": colour, "pattern": {"shape": pattern},
                                   "line": {"color": "black", "width": 1}},
                           hovertemplate=f"%{{y}}: %{{x}} question(s) {name}<extra></extra>"))
    fig = new_figure(data=data, layout={
        "template": plotly_template(), "font": {"family": FONT_FAMILY, "size": 14}, "barmode": "stack",
        "height": 140 + 40 * max(len(labels), 1),
        "title": {"text": "Your progress by lesson", "x": 0.0, "xanchor": "left"},
        "xaxis": {"title": {"text": "questions in the bank"}, "dtick": 1},
        "yaxis": {"autorange": "reversed"},
        "legend": {"orientation": "h", "y": -0.3, "yanchor": "top", "x": 0.0},
        "margin": {"l": 90, "r": 20, "t": 50, "b": 90}})
    fig.update_layout(meta={"description": progress_description(summary), "source_ids": []})
    return fig


def further_reading_md(tables: Mapping, exclude: tuple[str, ...] = ("source_article",)) -> str:
    """Return every source of sources.csv as Markdown, grouped by kind, with links where known.

    Sources whose kind is not in READING_GROUPS come last under "Other"; ``exclude`` lists ids to leave out.
    """
    src = tables["sources"]
    src = src[~src["source_id"].isin(exclude)]
    known = [k for k, _ in READING_GROUPS]
    groups = list(READING_GROUPS) + [(None, "Other")]
    lines = []
    for kind, title in groups:
        rows = src[src["kind"] == kind] if kind else src[~src["kind"].isin(known)]
        if rows.empty:
            continue
        lines += [f"### {title}", ""]
        for r in rows.sort_values("short", key=lambda s: s.astype(str).str.casefold()).to_dict("records"):
            url = r.get("url")
            link = f" <{url}>" if isinstance(url, str) and url else ""
            lines.append(f"- **{r['short']}**: {r['citation']}{link}")
        lines.append("")
    return "\n".join(lines).rstrip()


def review_questions(n: int = REVIEW_SIZE, seed: int = REVIEW_SEED, path=None,
                     tables: Mapping | None = None, exclude_lessons: tuple[str, ...] = ("07",)) -> list[str]:
    """Return up to ``n`` question ids from :func:`utils.progress.review_set`, repeatable for a seed.

    Questions of ``exclude_lessons`` (the review lesson's own) and those that need their lesson's
    figure or widget on screen (``in_review`` false) are left out; the draw asks for extra ids so
    that ``n`` remain when the bank is large enough.
    """
    tables = _tables(tables)
    questions = tables["questions"]
    left_out = questions["lesson_id"].isin(exclude_lessons) | ~questions["in_review"].astype(bool)
    skip = set(questions.loc[left_out, "question_id"].astype(str))
    ids = progress.review_set(n + len(skip), seed, path=path, tables=tables)
    return [q for q in ids if q not in skip][:n]


class ReviewSession(widgets.VBox):
    """A quiz of questions weighted toward what was missed, drawn when shown and again on request."""

    def __init__(self, tables: Mapping | None = None, n: int = REVIEW_SIZE, seed: int = REVIEW_SEED, path=None):
        self.tables = _tables(tables)
        self.n, self.seed, self.path = n, seed, path
        self.draws = 0
        self.button = widgets.Button(description="Build my review again", button_style="primary",
                                     tooltip="Draw a new mix, weighted toward the questions you missed",
                                     layout={"width": "auto"})
        self.status = widgets.HTML()
        self.output = widgets.Output()
        self.question_ids: list[str] = []
        self.course_source_ids: tuple[str, ...] = ()
        self.button.on_click(lambda _b: self.again())
        super().__init__([self.status, self.output, self.button])
        self.build()

    def build(self) -> list[str]:
        """Draw the review questions, show them as a quiz and return their ids."""
        from utils.quizzes import quiz

        self.question_ids = review_questions(self.n, self.seed + self.draws, self.path, self.tables)
        q = self.tables["questions"]
        self.course_source_ids = unique_ids(q.loc[q["question_id"].isin(self.question_ids), "source_ids"])
        self.status.value = (f"<p>Review set {self.draws + 1}: {len(self.question_ids)} questions. Press "
                             "<strong>Build my review again</strong> for a new mix.</p>")
        self.quiz = quiz(self.question_ids, tables=self.tables, path=self.path) if self.question_ids else None
        set_outputs(self.output, *([self.quiz] if self.quiz is not None else []))
        return self.question_ids

    def again(self) -> list[str]:
        """Draw the next set in a fixed sequence (so a rerun of the notebook repeats it) and show it."""
        self.draws += 1
        return self.build()
