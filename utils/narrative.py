"""Lesson pages rendered from the course tables.

Pure functions take the loaded tables (``load_course()``) and return Markdown or HTML
strings: the lesson header (title, objectives, time, prerequisites), key points and
glossary definitions with their citations ("[Gray 1918]"), "note on sources" boxes,
the recap, previous/next links, the learning path and the lesson's list of sources.
:class:`Lesson` wraps them for a notebook: each method displays the text and remembers
which sources it showed, so ``lesson.sources()`` can list them at the end.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd

from utils.data import derived, is_blank, rows_by_id
from utils.display import table_html

Tables = Mapping[str, pd.DataFrame]


# ---------------------------------------------------------------- small helpers

def unique_ids(groups: Iterable) -> tuple[str, ...]:
    """Return the distinct ids of several id lists (or single ids), in first-seen order."""
    seen: dict[str, None] = {}
    for group in groups:
        if is_blank(group):
            continue
        for item in (group if isinstance(group, (tuple, list)) else (group,)):
            seen[str(item)] = None
    return tuple(seen)


def table_sources(df: pd.DataFrame) -> tuple[str, ...]:
    """Return the distinct source ids cited by a table's rows (``source_ids`` or ``source_id``)."""
    if "source_ids" in df.columns:
        return unique_ids(df["source_ids"])
    if "source_id" in df.columns:
        return unique_ids(df["source_id"])
    return ()


def row(tables: Tables, table: str, key: str) -> dict:
    """Return one row of ``table`` as a dict, found by its id column; raises KeyError naming both."""
    df = tables[table]
    found = rows_by_id(df).get(key)
    if found is None:
        raise KeyError(f"{key!r} is not a {df.columns[0]} in {table}.csv")
    return dict(found)


def source_labels(tables: Tables) -> dict[str, str]:
    """Return {source_id: short label} from the sources table."""
    src = tables["sources"]
    return dict(derived(src, "source_labels", lambda df: dict(zip(df["source_id"], df["short"]))))


def cite(tables: Tables, source_ids: Iterable[str]) -> str:
    """Return a citation such as "[Gray 1918; Olewnik et al. 2020]"; raises KeyError for an unknown id."""
    labels = source_labels(tables)
    ids = unique_ids([tuple(source_ids)])
    unknown = [s for s in ids if s not in labels]
    if unknown:
        raise KeyError(f"not in sources.csv: {', '.join(unknown)}")
    return "[" + "; ".join(labels[s] for s in ids) + "]" if ids else ""


def _lesson(tables: Tables, lesson_id: str) -> dict:
    return row(tables, "lessons", lesson_id)


def lesson_title(tables: Tables, lesson_id: str) -> str:
    """Return "Lesson 02 · Meet the triceps surae" for a lesson id."""
    return f"Lesson {lesson_id} · {_lesson(tables, lesson_id)['title']}"


def lesson_link(tables: Tables, lesson_id: str) -> str:
    """Return a Markdown link to a lesson's notebook (notebooks sit in one folder)."""
    lesson = _lesson(tables, lesson_id)
    return f"[{lesson_title(tables, lesson_id)}]({lesson['notebook']})"


def objectives(tables: Tables, lesson_id: str) -> pd.DataFrame:
    """Return the lesson's rows of objectives.csv, in id order."""
    obj = tables["objectives"]
    return obj[obj["lesson_id"] == lesson_id].sort_values("objective_id", key=_natural)


def _natural(ids: pd.Series) -> pd.Series:
    return ids.map(lambda s: tuple(int(p) if p.isdigit() else p for p in str(s).replace("_", " ").split()))


# ---------------------------------------------------------------- page parts

def lesson_header_md(tables: Tables, lesson_id: str) -> str:
    """Return the lesson's opening: title, summary, objectives, estimated time and prerequisites."""
    lesson = _lesson(tables, lesson_id)
    lines = [f"# {lesson_title(tables, lesson_id)}", "", str(lesson["summary"]), "",
             "**What you will learn.** By the end of this lesson you will be able to:", ""]
    for i, text in enumerate(objectives(tables, lesson_id)["text"], start=1):
        lines.append(f"{i}. {text}")
    lines += ["", f"**Estimated time:** about {int(lesson['minutes'])} minutes."]
    prereq = lesson.get("prerequisites")
    if is_blank(prereq):
        lines.append("**Before this lesson:** nothing; this is the place to start.")
    else:
        links = ", ".join(lesson_link(tables, p) for p in prereq)
        lines.append(f"**Before this lesson:** {links}.")
    return "\n".join(lines)


def definition_md(tables: Tables, term_id: str) -> str:
    """Return a glossary definition as Markdown: **term**: definition [sources]."""
    term = row(tables, "glossary", term_id)
    return f"**{term['term']}**: {term['definition']} {cite(tables, term['source_ids'])}"


def key_points_md(tables: Tables, point_ids: Iterable[str]) -> str:
    """Return key points as a Markdown bullet list, each with its citation."""
    lines = []
    for pid in point_ids:
        p = row(tables, "key_points", pid)
        lines.append(f"- {p['text']} {cite(tables, p['source_ids'])}")
    return "\n".join(lines)


def lesson_point_ids(tables: Tables, lesson_id: str) -> tuple[str, ...]:
    """Return the ids of the lesson's key points, in file order."""
    kp = tables["key_points"]
    return tuple(kp.loc[kp["lesson_id"] == lesson_id, "point_id"])


def source_note_html(tables: Tables, discrepancy_id: str) -> str:
    """Return a boxed "note on sources": what the introductory article says and what references say."""
    d = row(tables, "discrepancies", discrepancy_id)
    e = html.escape
    return (
        '<div class="course-source-note" role="note" style="border-left:6px solid #E69F00;'
        'padding:0.6em 1em;margin:0.8em 0;background:#FFF8E6">'
        f"<p><strong>Note on sources: {e(d['topic'])}</strong></p>"
        f"<p><strong>The introductory article says:</strong> {e(d['article_says'])}</p>"
        f"<p><strong>Standard references say:</strong> {e(d['references_say'])}</p>"
        f"<p><em>Sources: {e(cite(tables, d['source_ids']))}</em></p></div>"
    )


def recap_md(tables: Tables, lesson_id: str, point_ids: Iterable[str] | None = None) -> str:
    """Return the recap (under the notebook's own heading): key points, then objectives as a self-check list."""
    ids = lesson_point_ids(tables, lesson_id) if point_ids is None else tuple(point_ids)
    lines = []
    if ids:
        lines += [key_points_md(tables, ids), ""]
    lines += ["**Check yourself.** Can you now:", ""]
    lines += [f"- [ ] {text}" for text in objectives(tables, lesson_id)["text"]]
    return "\n".join(lines)


def navigation_md(tables: Tables, lesson_id: str) -> str:
    """Return previous / next links between lessons, in lessons.csv order."""
    ids = list(tables["lessons"]["lesson_id"])
    i = ids.index(lesson_id)
    parts = []
    if i > 0:
        parts.append(f"← Previous: {lesson_link(tables, ids[i - 1])}")
    if i < len(ids) - 1:
        parts.append(f"Next: {lesson_link(tables, ids[i + 1])} →")
    elif i > 0:  # the last lesson: back to the start, where the course map is
        parts.append(f"Back to the start: {lesson_link(tables, ids[0])}")
    return " | ".join(parts)


def learning_path_md(tables: Tables) -> str:
    """Return the course map: every lesson with a link, its time and what it needs first."""
    lines = ["| Lesson | What it covers | Time | Do first |", "| --- | --- | --- | --- |"]
    for lesson in tables["lessons"].to_dict("records"):
        prereq = lesson["prerequisites"]
        first = "—" if is_blank(prereq) else ", ".join(prereq)
        lines.append(f"| {lesson_link(tables, lesson['lesson_id'])} | {lesson['summary']} | "
                     f"{int(lesson['minutes'])} min | {first} |")
    return "\n".join(lines)


def sources_md(tables: Tables, source_ids: Iterable[str]) -> str:
    """Return a numbered list of full citations (with links) for ``source_ids``, in order given."""
    src = tables["sources"].set_index("source_id")
    lines = []
    for i, sid in enumerate(unique_ids([tuple(source_ids)]), start=1):
        if sid not in src.index:
            raise KeyError(f"not in sources.csv: {sid}")
        s = src.loc[sid]
        url = "" if is_blank(s["url"]) else f" <{s['url']}>"
        lines.append(f"{i}. **{s['short']}**: {s['citation']}{url}")
    return "\n".join(lines)


NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def quiz_help_md(max_tries: int) -> str:
    """Return how the knowledge checks work, with the number of tries a question gives."""
    tries = NUMBER_WORDS.get(max_tries, str(max_tries))
    return (f"Questions have a **Check** button. You get {tries} {'try' if max_tries == 1 else 'tries'} at each "
            "question (the button shows how many are left); after a right answer, or when the tries "
            "are used up, you see the answer and an "
            "explanation with its sources. The score under a quiz counts a question once it is finished.")


def recommend_lessons(tables: Tables, results: Mapping[str, bool | None],
                      question_lessons: Mapping[str, str]) -> str:
    """Return Markdown advice from pre-test results.

    ``results`` maps question id to True (right), False (wrong) or None (not answered);
    ``question_lessons`` maps question id to the lesson that teaches its topic. Lessons with a
    wrong answer are listed to focus on; lessons answered right can be taken faster; questions
    not answered are left out of the advice (and counted).
    """
    focus: dict[str, None] = {}
    fine: dict[str, None] = {}
    skipped = 0
    for qid, lesson in question_lessons.items():
        result = results.get(qid)
        if result is None:
            skipped += 1
        elif result:
            fine[lesson] = None
        else:
            focus[lesson] = None
    fine = {k: None for k in fine if k not in focus}
    order = list(tables["lessons"]["lesson_id"])
    focus_ids = sorted(focus, key=order.index)
    fine_ids = sorted(fine, key=order.index)
    lines = []
    if not focus_ids and not fine_ids:
        lines.append("You have not checked any pre-test answers yet: answer the questions above, "
                     "press **Check** on each, then ask again.")
    if focus_ids:
        lines.append("**Spend most time on:** " + ", ".join(lesson_link(tables, i) for i in focus_ids) + ".")
    if fine_ids:
        one = len(fine_ids) == 1
        lines.append("**You can move faster through:** " + ", ".join(lesson_link(tables, i) for i in fine_ids)
                     + (" (you answered its pre-test question correctly, but still do its checks)." if one else
                        " (you answered their pre-test questions correctly, but still do their checks)."))
    if skipped and (focus_ids or fine_ids):
        lines.append(f"{skipped} pre-test question{'s were' if skipped > 1 else ' was'} not answered and "
                     f"{'are' if skipped > 1 else 'is'} left out of this advice.")
    lines.append("Whatever the result, work through the lessons in order: each builds on the one before.")
    return "\n\n".join(lines)


def boundaries_md(tables: Tables, boundary_ids: Iterable[str]) -> str:
    """Return a Markdown table of boundaries: standard name, other names, what each separates, sources."""
    comps = tables["compartments"]
    comp = {}
    for cid, name in zip(comps["compartment_id"], comps["name"]):
        parts = list(comps.loc[comps["parent_id"] == cid, "name"])
        # a compartment that the four-compartment description splits: name its parts too
        comp[cid] = (f"{str(name).split(' (')[0]} (in the four-compartment description: "
                     + " and ".join(str(p).split(" of the leg")[0].lower() for p in parts) + ")") if parts else name
    lines = ["| Standard name | Also called | Separates | Sources |", "| --- | --- | --- | --- |"]
    for bid in boundary_ids:
        b = row(tables, "boundaries", bid)
        other = "—" if is_blank(b["other_names"]) else "; ".join(b["other_names"])
        sep = "encloses all" if is_blank(b["separates"]) else " and ".join(comp[c] for c in b["separates"])
        lines.append(f"| {b['name']} | {other} | {sep} | {cite(tables, b['source_ids'])} |")
    return "\n".join(lines)


def studies_md(tables: Tables) -> str:
    """Return the plantaris studies as a Markdown table: study, sample, method, absence, note, source."""
    st = tables["plantaris_studies"]
    lines = ["| Study | Sample | Method | Without plantaris | Note |", "| --- | --- | --- | --- | --- |"]
    for s in st.to_dict("records"):
        lo, hi = s["absence_percent_low"], s["absence_percent_high"]
        pct = f"{lo:g}%" if lo == hi else f"{lo:g}–{hi:g}%"
        count = ("" if pd.isna(s["limbs_absent"])
                 else f"{int(s['limbs_absent'])} of {int(s['limbs_examined'])} {s['sample_unit']} (")
        shown = f"{count}{pct})" if count else pct
        lines.append(f"| {cite(tables, [s['source_id']])} | {s['population']} | {s['method'].replace('_', ' ')} | "
                     f"{shown} | {s['note']} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- fact table (lesson 02)

FACT_COLUMNS = {"name": "Muscle", "latin_name": "Latin name", "layer": "Layer (in its compartment)",
                "joints_crossed": "Crosses", "nerve": "Nerve", "root_levels": "Spinal nerve roots", "arteries": "Arteries", "sources": "Sources"}


def muscle_facts(tables: Tables, joint: str | None = None, layer: str | None = None) -> pd.DataFrame:
    """Return the calf muscles (focus rows of muscles.csv), optionally only those crossing ``joint`` / at ``layer``."""
    mus = tables["muscles"]
    out = mus[mus["focus"].fillna(False).astype(bool)]
    if joint is not None:
        out = out[out["joints_crossed"].map(lambda js: joint in (js or ()))]
    if layer is not None:
        out = out[out["layer"] == layer]
    return out


def muscle_facts_html(tables: Tables, facts: pd.DataFrame) -> str:
    """Return the fact table as an HTML table with readable headers and a citation per row."""
    shown = pd.DataFrame({
        FACT_COLUMNS["name"]: facts["name"], FACT_COLUMNS["latin_name"]: facts["latin_name"],
        FACT_COLUMNS["layer"]: facts["layer"],
        FACT_COLUMNS["joints_crossed"]: [", ".join(j.replace("_", " ") for j in js) for js in facts["joints_crossed"]],
        FACT_COLUMNS["nerve"]: facts["nerve"], FACT_COLUMNS["root_levels"]: facts["root_levels"].fillna("—"),
        FACT_COLUMNS["arteries"]: facts["arteries"],
        FACT_COLUMNS["sources"]: [cite(tables, s) for s in facts["source_ids"]],
    })
    return table_html(shown, "Calf muscles: facts from muscles.csv (filter with the menus above)", row_headers=True)


# ---------------------------------------------------------------- notebook wrapper

class Lesson:
    """A lesson page in a notebook: displays the parts and remembers the sources shown."""

    def __init__(self, lesson_id: str, tables: Tables | None = None):
        if tables is None:
            from utils import load_course
            tables = load_course()
        _lesson(tables, lesson_id)  # raises KeyError for an unknown lesson
        self.lesson_id = lesson_id
        self.tables = tables
        self.used: list[str] = []
        self.pretest_used: list[str] = []
        self.defined: set[str] = set()

    # -- bookkeeping
    def use(self, source_ids: Iterable[str]) -> tuple[str, ...]:
        """Remember ``source_ids`` as shown in this lesson; return them."""
        ids = unique_ids([tuple(source_ids)])
        for sid in ids:
            if sid not in self.used:
                self.used.append(sid)
        return ids

    # -- text, returned
    def header_md(self) -> str:
        """Return the lesson header (course structure: no sources)."""
        return lesson_header_md(self.tables, self.lesson_id)

    def define_md(self, *term_ids: str) -> str:
        """Return definitions of terms not yet defined in this lesson (empty string if none)."""
        parts = []
        for term_id in term_ids:
            if term_id in self.defined:
                continue
            parts.append("- " + definition_md(self.tables, term_id))
            self.defined.add(term_id)
            self.use(row(self.tables, "glossary", term_id)["source_ids"])
        return "\n".join(parts)

    def points_md(self, *point_ids: str) -> str:
        """Return key points with citations."""
        for pid in point_ids:
            self.use(row(self.tables, "key_points", pid)["source_ids"])
        return key_points_md(self.tables, point_ids)

    def note_html(self, discrepancy_id: str) -> str:
        """Return a "note on sources" box."""
        self.use(row(self.tables, "discrepancies", discrepancy_id)["source_ids"])
        return source_note_html(self.tables, discrepancy_id)

    def recap_md(self) -> str:
        """Return the recap of this lesson."""
        ids = lesson_point_ids(self.tables, self.lesson_id)
        for pid in ids:
            self.use(row(self.tables, "key_points", pid)["source_ids"])
        return recap_md(self.tables, self.lesson_id, ids)

    def sources_md(self) -> str:
        """Return the list of every source this lesson has shown so far (pre-test sources listed apart)."""
        text = sources_md(self.tables, self.used)
        extra = [s for s in self.pretest_used if s not in self.used]
        if extra:
            text += ("\n\n**Sources of the pre-test questions** (their topics are taught in later lessons):\n\n"
                     + sources_md(self.tables, extra))
        return text

    # -- display wrappers
    @staticmethod
    def _show_md(text: str) -> None:
        from IPython.display import Markdown, display
        if text:
            display(Markdown(text))

    @staticmethod
    def _show_html(text: str) -> None:
        from IPython.display import HTML, display
        display(HTML(text))

    def header(self) -> None:
        """Display the lesson header."""
        self._show_md(self.header_md())

    def define(self, *term_ids: str) -> None:
        """Display definitions of terms used for the first time."""
        self._show_md(self.define_md(*term_ids))

    def points(self, *point_ids: str) -> None:
        """Display key points with citations."""
        self._show_md(self.points_md(*point_ids))

    def note(self, discrepancy_id: str) -> None:
        """Display a "note on sources" box."""
        self._show_html(self.note_html(discrepancy_id))

    def recap(self) -> None:
        """Display the recap."""
        self._show_md(self.recap_md())

    def navigation(self) -> None:
        """Display previous / next links."""
        self._show_md(navigation_md(self.tables, self.lesson_id))

    def sources(self) -> None:
        """Display the sources shown in this lesson."""
        self._show_md(self.sources_md())

    def text(self, markdown: str, source_ids: Iterable[str] = ()) -> None:
        """Display Markdown built from the tables, remembering its sources."""
        self.use(source_ids)
        self._show_md(markdown)

    def source_labels(self) -> dict[str, str]:
        """Return {source_id: short label} for figure captions (see :func:`source_labels`)."""
        return source_labels(self.tables)

    def figure(self, fig) -> None:
        """Display a figure and, below it, its text description; remember its sources."""
        from utils.display import show_description, show_figure
        meta = fig.layout.meta or {}
        self.use(meta.get("source_ids", ()))
        show_figure(fig, meta.get("description", ""))
        show_description(meta.get("description", ""))

    def widget(self, box) -> None:
        """Display a widget built by utils.anatomy_widgets; remember every source it can show."""
        from IPython.display import display
        self.use(getattr(box, "course_source_ids", ()))
        display(box)

    def quiz_help(self) -> None:
        """Display how the knowledge checks work (number of tries from the quiz settings)."""
        from utils import quizzes
        self._show_md(quiz_help_md(quizzes.DEFAULT_MAX_TRIES))

    def pretest(self, question_lessons: Mapping[str, str]) -> None:
        """Display the pre-test ({question id: lesson that teaches its topic}); its sources are listed apart."""
        from IPython.display import display

        from utils import anatomy_widgets
        box = anatomy_widgets.pretest(self.tables, question_lessons)
        for sid in box.course_source_ids:
            if sid not in self.pretest_used:
                self.pretest_used.append(sid)
        display(box)

    def quiz(self, question_ids: Iterable[str], **kwargs) -> None:
        """Display knowledge-check questions from the question bank; remember their sources."""
        from IPython.display import display

        from utils import quizzes
        ids = list(question_ids)
        box = quizzes.quiz(ids, tables=self.tables, **kwargs)
        for card in box.cards:
            self.use(card.question.source_ids)
        display(box)

    def learning_path(self) -> None:
        """Display the course map (course structure: no sources)."""
        self._show_md(learning_path_md(self.tables))

    def boundaries(self, *boundary_ids: str) -> None:
        """Display boundaries with their other names and what they separate."""
        for bid in boundary_ids:
            self.use(row(self.tables, "boundaries", bid)["source_ids"])
        self._show_md(boundaries_md(self.tables, boundary_ids))

    def studies(self) -> None:
        """Display the plantaris studies table."""
        self.use(table_sources(self.tables["plantaris_studies"]))
        self._show_md(studies_md(self.tables))

    def exercise(self, exercise_id: str) -> None:
        """Display a "try it" task and remember the sources of the rows that answer it."""
        from utils import exercises
        ex = exercises.exercise(exercise_id)
        self.use(exercises.expected_items(exercise_id, self.tables)[1])
        self._show_md(f"**Try it:** {ex.task} Use the table `{ex.table}`. Put your query in place of the "
                      f"`...` below and run the cell; the checker compares your result with the answer "
                      f"computed from `{ex.table}.csv`." + (f" {ex.note}" if ex.note else ""))

    def solution(self, exercise_id: str) -> None:
        """Display one possible answer to a "try it" task."""
        from utils import exercises
        self._show_md("One possible answer:\n\n" + exercises.solution(exercise_id))

    def table(self, df: pd.DataFrame, source_ids: Iterable[str], caption: str = "") -> None:
        """Display a table (without its index) and remember its sources."""
        from IPython.display import HTML, display
        self.use(source_ids)
        display(HTML(table_html(df, caption)))
