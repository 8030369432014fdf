"""Interactive pieces of lessons 00-03: ipywidgets controls wired to pure functions.

Each builder returns an ``ipywidgets.VBox``. The control a browser test may change carries
the CSS class ``course-probe`` and the output it changes ``course-probe-output`` (one pair
per lesson, chosen with ``probe=True``). Figures are plain plotly figures re-displayed in an
``ipywidgets.Output``; the box's ``course_source_ids`` lists every source it can show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML, Markdown

from utils import anatomy_figures as af
from utils import narrative
from utils.display import description_html, figure_bundle, set_outputs
from utils.figure_pane import FigurePane

Tables = Mapping[str, pd.DataFrame]
PROBE = "course-probe"
PROBE_OUTPUT = "course-probe-output"
ANY = ""  # menu value meaning "no filter"


def _box(children: list, output: widgets.Widget, control: widgets.Widget, probe: bool,
         source_ids: Iterable[str]) -> widgets.VBox:
    if probe:
        control.add_class(PROBE)
        output.add_class(PROBE_OUTPUT)
    box = widgets.VBox(children + [output])
    box.course_source_ids = narrative.unique_ids([tuple(source_ids)])
    return box


def _render(output: widgets.Output, draw: Callable[[], list]) -> None:
    set_outputs(output, *draw())


def _figure_items(fig) -> list:
    """Return a figure and its text description, for :func:`_render`."""
    description = fig.layout.meta["description"]
    return [figure_bundle(fig, description), HTML(description_html(description))]


# ---------------------------------------------------------------- lesson 00

def directions_explorer(tables: Tables, probe: bool = True) -> widgets.VBox:
    """Return a term chooser that highlights the term's arrows and shows its definition."""
    choose = widgets.Dropdown(options=[(t, t) for t in af.DIRECTION_TERMS], value="proximal",
                              description="Term:")
    out = widgets.Output()

    def draw():
        return [*_figure_items(af.directions_figure(tables, choose.value)),
                Markdown(narrative.definition_md(tables, choose.value))]

    choose.observe(lambda _change: _render(out, draw), names="value")
    _render(out, draw)
    sources = list(af.directions_figure(tables).layout.meta["source_ids"])
    return _box([choose], out, choose, probe, sources)


def pretest(tables: Tables, question_ids: Iterable[str] | Mapping[str, str], probe: bool = False) -> widgets.VBox:
    """Return a short quiz plus a button that turns the answers into advice on which lessons to focus on.

    ``question_ids`` is either {question id: lesson that teaches its topic} or a list of ids (each
    question's own lesson is then used). Raises KeyError for an id not in the question bank.
    """
    from utils import quizzes
    bank = quizzes.question_bank(tables)
    if isinstance(question_ids, Mapping):
        ids, lessons = list(question_ids), dict(question_ids)
    else:
        ids = list(question_ids)
        lessons = {qid: bank[qid].lesson_id for qid in ids if qid in bank}
    score = quizzes.SessionScore()
    box = quizzes.quiz(ids, tables=tables, score=score)
    button = widgets.Button(description="What should I focus on?", button_style="info",
                            layout={"width": "auto"})
    out = widgets.Output()

    def draw():
        results = {qid: score.results.get(qid) for qid in ids}
        return [Markdown(narrative.recommend_lessons(tables, results, lessons))]

    button.on_click(lambda _b: _render(out, draw))
    sources = [s for qid in ids for s in bank[qid].source_ids]
    return _box([box, button], out, button, probe, sources)


# ---------------------------------------------------------------- lesson 01

def compartment_choices(tables: Tables, scheme: str) -> list[tuple[str, str]]:
    """Return (label, compartment id) pairs for the compartment dropdown of ``scheme``."""
    return [(af.short_compartment_name(tables, c), c) for c in af.scheme_compartments(tables, scheme)]


def compartment_facts_md(tables: Tables, compartment_id: str) -> str:
    """Return a compartment's muscles, nerve, artery and note as a Markdown table with citations."""
    det = af.compartment_details(tables, compartment_id)
    lines = [f"**{af.structure_name(tables, 'compartments', compartment_id)}**", "",
             "| What | In this compartment | Sources |", "| --- | --- | --- |"]
    lines += [f"| {w} | {f} | {s} |" for w, f, s in zip(det["what"], det["fact"], det["sources"])]
    return "\n".join(lines)


def compartment_explorer(tables: Tables, probe: bool = True) -> widgets.VBox:
    """Return the cross-section with a three/four-compartment toggle and a compartment chooser."""
    scheme = widgets.ToggleButtons(options=[("3 compartments", "three"), ("4 compartments", "four")],
                                   value="four", description="Description:",
                                   style={"description_width": "initial"})
    choose = widgets.Dropdown(options=compartment_choices(tables, "four"), value="superficial_posterior",
                              description="Compartment:", style={"description_width": "initial"})
    out = widgets.Output()

    def draw():
        return [*_figure_items(af.cross_section_figure(tables, scheme.value, choose.value)),
                Markdown(compartment_facts_md(tables, choose.value))]

    def on_scheme(_change):
        options = compartment_choices(tables, scheme.value)
        ids = [c for _, c in options]
        keep = choose.value if choose.value in ids else None
        if keep is None:
            parent = narrative.row(tables, "compartments", choose.value)["parent_id"]
            kids = [c for c in ids if narrative.row(tables, "compartments", c)["parent_id"] == choose.value]
            keep = parent if isinstance(parent, str) and parent in ids else (kids[0] if kids else ids[0])
        with choose.hold_trait_notifications():
            choose.options = options
            choose.value = keep
        _render(out, draw)

    scheme.observe(on_scheme, names="value")
    choose.observe(lambda _change: _render(out, draw), names="value")
    _render(out, draw)
    return _box([scheme, choose], out, choose, probe, af.cross_section_sources(tables))


# ---------------------------------------------------------------- lesson 02

def layers_explorer(tables: Tables, probe: bool = False) -> widgets.VBox:
    """Return a superficial-to-deep slider over the cross-section's muscle layers."""
    slider = widgets.SelectionSlider(options=list(af.LAYER_ORDER), value=af.LAYER_ORDER[0],
                                     description="Layer:", continuous_update=False,
                                     style={"description_width": "initial"}, layout={"width": "620px"})
    out = widgets.Output()
    slider.observe(lambda _c: _render(out, lambda: _figure_items(af.layers_figure(tables, slider.value))),
                   names="value")
    _render(out, lambda: _figure_items(af.layers_figure(tables, slider.value)))
    sources = [s for layer in af.LAYER_ORDER for s in af.layers_sources(tables, layer)]
    return _box([slider], out, slider, probe, sources)


def fact_table_explorer(tables: Tables, probe: bool = False) -> widgets.VBox:
    """Return the calf muscles' fact table with filters for a joint crossed and a layer."""
    facts = narrative.muscle_facts(tables)
    joints = sorted({j for js in facts["joints_crossed"] for j in js})
    joint = widgets.Dropdown(options=[("any joint", ANY)] + [(j.replace("_", " "), j) for j in joints],
                             value=ANY, description="Crosses:")
    depth = ("superficial", "intermediate", "deep")
    layers = sorted(set(facts["layer"]), key=lambda x: depth.index(x) if x in depth else len(depth))
    layer = widgets.Dropdown(options=[("any layer", ANY)] + [(x, x) for x in layers],
                             value=ANY, description="Layer:")
    out = widgets.Output()

    def draw():
        table = narrative.muscle_facts(tables, joint=joint.value or None, layer=layer.value or None)
        if table.empty:
            return [Markdown("No calf muscle matches both filters.")]
        return [HTML(narrative.muscle_facts_html(tables, table))]

    for w in (joint, layer):
        w.observe(lambda _c: _render(out, draw), names="value")
    _render(out, draw)
    return _box([widgets.HBox([joint, layer])], out, joint, probe, narrative.table_sources(facts))


def plantaris_simulator(tables: Tables, probe: bool = True) -> widgets.VBox:
    """Return sliders for class size and absence rate (within the studies' range) and the simulated class."""
    low, high = af.absence_range(tables)
    st = tables["plantaris_studies"]
    start = float(round(st["absence_percent_low"].median(), 1))
    rate = widgets.FloatSlider(value=start, min=low, max=high, step=0.5, description="Absent (%):",
                               continuous_update=False, readout_format=".1f",
                               style={"description_width": "initial"})
    size = widgets.IntSlider(value=30, min=5, max=300, step=5, description="Students:",
                             continuous_update=False, style={"description_width": "initial"})
    seed = widgets.BoundedIntText(value=1, min=0, max=10**6, description="Class number (same number = same class):",
                                  style={"description_width": "initial"}, layout={"width": "auto"})
    pane = FigurePane()  # redrawn in place as the sliders move
    text = widgets.HTML()

    def draw(_change=None):
        fig = af.plantaris_figure(tables, af.simulate_class(size.value, rate.value, seed.value))
        text.value = description_html(fig.layout.meta["description"])
        pane.show(fig, fig.layout.meta["description"])

    for w in (rate, size, seed):
        w.observe(draw, names="value")
    draw()
    return _box([widgets.HBox([size, rate]), seed], widgets.VBox([pane, text]), rate, probe,
                narrative.table_sources(st))


# ---------------------------------------------------------------- lesson 03

def attachment_rows_md(tables: Tables, muscle_id: str) -> str:
    """Return a muscle's attachments (end, landmark, description, sources) as a Markdown table."""
    att = af.attachments_of(tables, muscle_id)
    lines = [f"**{af.structure_name(tables, 'muscles', muscle_id)}: attachments**", "",
             "| End | Where | Details | Sources |", "| --- | --- | --- | --- |"]
    for a in att.to_dict("records"):
        lines.append(f"| {a['end']} | {af.structure_name(tables, 'landmarks', a['landmark_id'])} | "
                     f"{a['description']} | {narrative.cite(tables, a['source_ids'])} |")
    return "\n".join(lines)


def attachments_explorer(tables: Tables, probe: bool = True) -> widgets.VBox:
    """Return a muscle chooser that highlights the muscle's attachments and line of pull on the bones."""
    muscles = af.attachment_muscles(tables)
    choose = widgets.Dropdown(options=[(af.structure_name(tables, "muscles", m), m) for m in muscles],
                              value=muscles[0], description="Muscle:")
    out = widgets.Output()

    def draw():
        return [*_figure_items(af.bones_figure(tables, choose.value)),
                Markdown(attachment_rows_md(tables, choose.value))]

    choose.observe(lambda _c: _render(out, draw), names="value")
    _render(out, draw)
    sources = [s for m in muscles for s in af.bones_sources(tables, m)]
    sources += narrative.table_sources(tables["attachments"])
    return _box([choose], out, choose, probe, sources)
