"""Clinical correlations (lesson 06): clinical.csv rows as text, the Thompson test, and which
walls enclose each compartment (why a fasciotomy must open the transverse septum).

Pure functions take the course tables and return text or figures; :class:`ThompsonTest` and
:class:`CompartmentWalls` are thin ipywidgets wiring around them.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd

from utils.display import Figure, description_html, new_figure, plotly_template, scatter, show_in
from utils.narrative import cite, row, unique_ids
from utils.style import FONT_FAMILY, OKABE_ITO, muscle_style

Tables = Mapping[str, pd.DataFrame]
PROBE = "course-probe"
PROBE_OUTPUT = "course-probe-output"
CONDITION_PARTS = (("what_happens", "What happens"), ("mechanism", "How it happens"),
                   ("examination", "Signs and tests"), ("why_it_matters", "Why it matters"),
                   ("anatomy_link", "The anatomy behind it"))


def condition_md(tables: Tables, condition_id: str) -> str:
    """Return one clinical.csv row as Markdown (a heading, then one paragraph per part, then sources).

    Raises KeyError for an unknown condition_id.
    """
    c = row(tables, "clinical", condition_id)
    lines = [f"### {c['name']}", ""]
    for col, label in CONDITION_PARTS:
        heading = c.get(f"{col}_heading")  # a card whose part needs its own heading
        if isinstance(heading, str) and heading.strip():
            label = heading.strip()
        text = c.get(col)
        if isinstance(text, str) and text.strip():
            lines += [f"**{label}.** {text}", ""]
    lines.append(f"*Sources: {cite(tables, c['source_ids'])}*")
    return "\n".join(lines)


def condition_sources(tables: Tables, condition_id: str) -> tuple[str, ...]:
    """Return the source ids of one clinical.csv row."""
    return tuple(row(tables, "clinical", condition_id)["source_ids"])


# ---------------------------------------------------------------- compartments and their walls

def compartment_walls(tables: Tables, compartment_id: str) -> pd.DataFrame:
    """Return the walls of a compartment from boundaries.csv.

    A wall is a boundary whose ``separates`` names the compartment (column ``other_side`` names
    the compartment beyond it), a boundary of its parent compartment (four-compartment
    sub-compartments), or one that separates nothing because it encloses every compartment
    (the crural fascia; ``other_side`` "the tissue under the skin, then the skin"). Columns:
    boundary_id, name, other_side, of_parent (True for a wall of the parent compartment as a
    whole, which does not lie between the sub-compartments), source_ids. Raises KeyError for an
    unknown compartment.
    """
    comp = row(tables, "compartments", compartment_id)
    names = dict(zip(tables["compartments"]["compartment_id"], tables["compartments"]["name"]))
    parent = comp.get("parent_id")
    parent = parent if isinstance(parent, str) and parent else None
    out = []
    for b in tables["boundaries"].to_dict("records"):
        sep = b["separates"]
        of_parent = False
        if sep is None or (not isinstance(sep, (tuple, list)) and pd.isna(sep)) or len(sep) == 0:
            other = "the tissue under the skin, then the skin"
        elif compartment_id in sep:
            other = ", ".join(names.get(s, s) for s in sep if s != compartment_id)
        elif parent is not None and parent in sep:
            other = ", ".join(names.get(s, s) for s in sep if s != parent)
            of_parent = True
        else:
            continue
        out.append({"boundary_id": b["boundary_id"], "name": b["name"], "other_side": other,
                    "of_parent": of_parent, "source_ids": tuple(b["source_ids"])})
    if not out:
        raise KeyError(f"boundaries.csv names no wall of {comp['name']}")
    return pd.DataFrame(out)


def _parent_name(tables: Tables, compartment_id: str) -> str:
    parent = row(tables, "compartments", compartment_id).get("parent_id")
    name = row(tables, "compartments", parent)["name"] if isinstance(parent, str) and parent else ""
    return name.split(" (")[0].lower()


def walls_md(tables: Tables, compartment_id: str) -> str:
    """Return the compartment's own walls as a Markdown list with citations, then the walls of its
    parent compartment as a whole (if any) in a separate list."""
    name = row(tables, "compartments", compartment_id)["name"]
    walls = compartment_walls(tables, compartment_id).to_dict("records")
    lines = [f"**Walls of the {name[0].lower() + name[1:]}:**", ""]
    lines += [f"- {w['name']}: beyond it, {w['other_side']} {cite(tables, w['source_ids'])}"
              for w in walls if not w["of_parent"]]
    parent_walls = [w for w in walls if w["of_parent"]]
    if parent_walls:
        lines += ["", f"**Walls of the {_parent_name(tables, compartment_id)} as a whole** "
                  "(not between its superficial and deep parts):", ""]
        lines += [f"- {w['name']}: beyond it, {w['other_side']} {cite(tables, w['source_ids'])}"
                  for w in parent_walls]
    return "\n".join(lines)


# ---------------------------------------------------------------- Thompson test

def thompson_outcome(tendon_intact: bool) -> bool:
    """Return True when squeezing the calf plantarflexes the foot: only if the tendon is intact."""
    return bool(tendon_intact)


def thompson_description(tendon_intact: bool, squeezed: bool) -> str:
    """Return the schematic's content in words (its sources are listed with the lesson's, as labels)."""
    tendon = "intact" if tendon_intact else "torn, with a gap"
    if not squeezed:
        return (f"Schematic: patient face down, calcaneal tendon {tendon}; the calf is not squeezed and the "
                f"foot is at rest.")
    moved = "the foot plantarflexes" if thompson_outcome(tendon_intact) else "the foot does not move"
    return f"Schematic: patient face down, calcaneal tendon {tendon}; the calf is squeezed and {moved}."


def thompson_figure(tendon_intact: bool, squeezed: bool, source_ids: Iterable[str] = ()) -> Figure:
    """Return a schematic side view of the Thompson test (not to scale; the angle is illustrative).

    The patient lies face down (posterior up). The leg, calf muscles, calcaneal tendon (whole or
    torn) and foot are drawn; the foot is drawn plantarflexed only when the calf is squeezed and
    the tendon is intact. ``layout.meta`` holds the description and source ids.
    """
    moves = squeezed and thompson_outcome(tendon_intact)
    ankle = (6.0, 0.0)
    tilt = math.radians(35 if moves else 0)
    c, s = math.cos(tilt), math.sin(tilt)
    # the foot hangs over the couch end; plantarflexion turns the toes away from the shin
    # while the heel rises towards the calf
    toe = (round(ankle[0] + 2.0 * s, 3), round(ankle[1] - 2.0 * c, 3))
    heel = (round(ankle[0] + 0.3 * c - 0.8 * s, 3), round(ankle[1] + 0.3 * s + 0.8 * c, 3))
    calf = muscle_style("gastrocnemius")
    t = np.linspace(0, 2 * np.pi, 60)
    squeeze = 0.7 if squeezed else 1.0
    data = [
        scatter(x=[-0.5, 5.4, 5.4, -0.5, -0.5], y=[-0.25, -0.25, -0.9, -0.9, -0.25], mode="lines",
                   fill="toself", fillcolor="#E6E6E6", line={"color": OKABE_ITO["grey"]},
                   name="examination couch", hoverinfo="name"),
        scatter(x=[0.0, ankle[0]], y=[0.0, ankle[1]], mode="lines", name="leg (tibia)",
                   line={"color": "black", "width": 6}, hoverinfo="name"),
        scatter(x=[heel[0], ankle[0], toe[0]], y=[heel[1], ankle[1], toe[1]], mode="lines+markers",
                   name="foot (heel, ankle, toes)", line={"color": OKABE_ITO["orange"], "width": 8},
                   marker={"symbol": "circle", "size": 10}, hoverinfo="name"),
        scatter(x=(2.2 + 1.8 * np.cos(t)).round(3).tolist(),
                   y=(0.9 + 0.6 * squeeze * np.sin(t)).round(3).tolist(),
                   fill="toself", mode="lines", name="calf muscles", hoverinfo="name",
                   line={"color": calf["color"]}, fillcolor=calf["color"], opacity=0.6,
                   fillpattern={"shape": calf["pattern"]}),
    ]
    if tendon_intact:
        data.append(scatter(x=[4.0, heel[0]], y=[0.9, heel[1]], mode="lines", name="calcaneal tendon (intact)",
                               line={"color": "black", "width": 4}, hoverinfo="name"))
    else:
        data.append(scatter(x=[4.0, 4.7, None, 5.2, heel[0]], y=[0.9, 0.85, None, 0.8, heel[1]],
                               mode="lines", name="calcaneal tendon (torn: gap)",
                               line={"color": "black", "width": 4, "dash": "dot"}, hoverinfo="name"))
    notes = [
        {"x": 2.2, "y": 2.1, "text": "calf squeezed ↓" if squeezed else "calf not squeezed", "showarrow": False,
         "font": {"size": 14}},
        {"x": 2.4, "y": -0.58, "text": "examination couch", "showarrow": False, "font": {"size": 11}},
        {"x": toe[0] + 0.4, "y": toe[1] - 0.2, "showarrow": False, "xanchor": "left", "font": {"size": 14},
         "text": "foot plantarflexes" if moves else ("foot does not move" if squeezed else "foot at rest")},
        {"text": "Schematic drawing, not to scale: the angle is illustrative, not measured.", "xref": "paper",
         "yref": "paper", "x": 0.0, "y": -0.12, "showarrow": False, "xanchor": "left",
         "font": {"size": 11, "color": OKABE_ITO["grey"]}},
    ]
    fig = new_figure(data=data, layout={
        "template": plotly_template(), "font": {"family": FONT_FAMILY, "size": 14}, "height": 380,
        "title": {"text": "Thompson test, patient face down (schematic)", "x": 0.0, "xanchor": "left"},
        "annotations": notes, "margin": {"l": 20, "r": 20, "t": 60, "b": 60},
        "xaxis": {"visible": False, "range": [-0.5, 10.5]},
        "yaxis": {"visible": False, "range": [-2.8, 2.6], "scaleanchor": "x"},
        "legend": {"orientation": "v", "x": 1.0, "xanchor": "right", "y": 1.0},
    })
    fig.update_layout(meta={"description": thompson_description(tendon_intact, squeezed),
                            "source_ids": list(unique_ids([tuple(source_ids)]))})
    return fig


# ---------------------------------------------------------------- widgets

class ThompsonTest(widgets.VBox):
    """Set the calcaneal tendon intact or ruptured and squeeze the calf: does the foot move?

    The tendon buttons carry ``course-probe``; the figure and description ``course-probe-output``.
    """

    def __init__(self, tables: Tables | None = None, condition_id: str = "achilles_rupture", probe: bool = True):
        if tables is None:
            from utils import load_course
            tables = load_course()
        self.tables = tables
        self.course_source_ids = condition_sources(tables, condition_id)
        self.tendon = widgets.ToggleButtons(options=[("Tendon intact", True), ("Tendon ruptured", False)],
                                            value=True, description="Calcaneal tendon:",
                                            style={"description_width": "initial"})
        self.squeeze = widgets.ToggleButton(value=False, description="Squeeze the calf",
                                            tooltip="Squeeze the calf (press again to let go)")
        self.output = widgets.Output()
        self.description = widgets.HTML()
        self.view = widgets.VBox([self.output, self.description])
        if probe:
            self.tendon.add_class(PROBE)
            self.view.add_class(PROBE_OUTPUT)
        self.tendon.observe(self._on_change, names="value")
        self.squeeze.observe(self._on_change, names="value")
        super().__init__([widgets.HBox([self.tendon, self.squeeze]), self.view])
        self.redraw()

    def redraw(self) -> None:
        """Show the schematic and its description for the current settings."""
        fig = thompson_figure(self.tendon.value, self.squeeze.value, self.course_source_ids)
        self.description.value = description_html(fig.layout.meta["description"])
        show_in(self.output, fig, fig.layout.meta["description"])

    def _on_change(self, _change) -> None:
        self.redraw()


class CompartmentWalls(widgets.VBox):
    """Pick a compartment: the cross-section highlights it and its walls are listed with sources."""

    def __init__(self, tables: Tables | None = None, compartment_id: str = "deep_posterior", probe: bool = False):
        from utils import anatomy_figures as af
        if tables is None:
            from utils import load_course
            tables = load_course()
        self.tables = tables
        self._af = af
        comps = af.scheme_compartments(tables, "four")
        names = dict(zip(tables["compartments"]["compartment_id"], tables["compartments"]["name"]))
        self.course_source_ids = af.cross_section_sources(tables)
        self.compartment = widgets.Dropdown(options=[(names[c], c) for c in comps], value=compartment_id,
                                            description="Compartment:", style={"description_width": "initial"})
        self.output = widgets.Output()
        self.walls = widgets.HTML()
        self.view = widgets.VBox([self.output, self.walls])
        if probe:
            self.compartment.add_class(PROBE)
            self.view.add_class(PROBE_OUTPUT)
        self.compartment.observe(lambda _c: self.redraw(), names="value")
        super().__init__([self.compartment, self.view])
        self.redraw()

    def walls_html(self) -> str:
        """Return the walls of the chosen compartment as HTML (with citations)."""
        cid = self.compartment.value
        name = row(self.tables, "compartments", cid)["name"]
        walls = compartment_walls(self.tables, cid).to_dict("records")

        def items(of_parent: bool) -> str:
            return "".join(
                f"<li>{html.escape(w['name'])}: beyond it, {html.escape(w['other_side'])} "
                f"{html.escape(cite(self.tables, w['source_ids']))}</li>"
                for w in walls if w["of_parent"] == of_parent)

        text = f"<p><strong>Walls of the {html.escape(name[0].lower() + name[1:])}:</strong></p><ul>{items(False)}</ul>"
        if any(w["of_parent"] for w in walls):
            text += (f"<p><strong>Walls of the {html.escape(_parent_name(self.tables, cid))} as a whole</strong> "
                     f"(not between its superficial and deep parts):</p><ul>{items(True)}</ul>")
        return text

    def redraw(self) -> None:
        """Show the highlighted cross-section, its description and the wall list."""
        fig = self._af.cross_section_figure(self.tables, "four", highlight=self.compartment.value)
        self.walls.value = self.walls_html() + description_html(fig.layout.meta["description"])
        show_in(self.output, fig, fig.layout.meta["description"])
