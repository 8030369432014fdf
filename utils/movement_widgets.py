"""Controls for lessons 04–06, wired to the pure functions of :mod:`utils.movement_figures`.

Each widget shows a plain plotly figure in an ``ipywidgets.Output`` (no FigureWidget) and a
text description of it, and redraws both when a control changes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import ipywidgets as widgets

from utils import movement_figures as mf
from utils.display import description_html, show_in
from utils.figure_pane import FigurePane
from utils.muscle_models import MuscleGeometry
from utils.narrative import source_labels, table_sources

PROBE = "course-probe"
PROBE_OUTPUT = "course-probe-output"
DEFAULT_MODEL = "rajagopal2016"


def _tables(tables):
    if tables is None:
        import utils
        tables = utils.load_course()
    return tables


def _models(tables) -> list[tuple[str, str]]:
    """Return (readable label, model id) pairs for the models in ``muscle_geometry``."""
    ids = dict.fromkeys(tables["muscle_geometry"]["model"].astype(str))
    labels = mf.model_labels(tables)
    return [(labels.get(m, m), m) for m in ids]


class MovementExplorer(widgets.VBox):
    """Knee and ankle sliders driving the model-derived length and moment-arm figure.

    The knee slider carries the ``course-probe`` class; the figure and its description sit in
    a box with the ``course-probe-output`` class.
    """

    def __init__(self, tables: Mapping | None = None, model: str = DEFAULT_MODEL,
                 knee_deg: float = 0.0, ankle_deg: float = 0.0, probe: bool = True):
        self.tables = _tables(tables)
        self._setups: dict[str, mf.ExplorerSetup] = {}
        self._dicts: dict[str, dict] = {}
        self.model = widgets.ToggleButtons(options=_models(self.tables), value=model,
                                           description="Model:", tooltips=["musculoskeletal model"])
        setup = self._setup(model)
        klo, khi = setup.geometry.knee_range
        alo, ahi = setup.geometry.ankle_range
        self.knee = widgets.FloatSlider(value=knee_deg, min=klo, max=khi, step=1.0, continuous_update=True,
                                        description="Knee flexion (°)", readout_format=".0f",
                                        style={"description_width": "initial"}, layout={"width": "460px"})
        self.ankle = widgets.FloatSlider(value=ankle_deg, min=alo, max=ahi, step=1.0, continuous_update=True,
                                         description="Ankle (°, + dorsiflexion)", readout_format=".0f",
                                         style={"description_width": "initial"}, layout={"width": "460px"})
        if probe:
            self.knee.add_class(PROBE)
        geo = self.tables["muscle_geometry"]
        self.course_source_ids = table_sources(geo) + table_sources(self.tables["muscle_parameters"])
        self.pane = FigurePane()  # redrawn in place as the sliders move
        self.description = widgets.HTML()
        self.view = widgets.VBox([self.pane, self.description])
        if probe:
            self.view.add_class(PROBE_OUTPUT)
        self.knee.observe(self._on_change, names="value")
        self.ankle.observe(self._on_change, names="value")
        self.model.observe(self._on_change, names="value")
        super().__init__([self.model, self.knee, self.ankle, self.view])
        self.add_class("course-movement-explorer")
        self.redraw()

    def _setup(self, model: str) -> mf.ExplorerSetup:
        if model not in self._setups:
            geometry = MuscleGeometry.from_table(self.tables["muscle_geometry"], model)
            self._setups[model] = mf.explorer_setup(geometry, self.tables)
            self._dicts[model] = mf.explorer_figure_dict(self._setups[model])
        return self._setups[model]

    def update(self) -> dict:
        """Bring the figure dict up to the sliders' values (no drawing); return the dict."""
        setup = self._setup(self.model.value)
        changes = mf.explorer_changes(setup, self.knee.value, self.ankle.value)
        return mf.apply_explorer_changes(self._dicts[self.model.value], changes)

    def redraw(self) -> None:
        """Update the figure and its description and show them."""
        fig_dict = self.update()
        text = mf.explorer_description(self._setup(self.model.value), self.knee.value, self.ankle.value)
        self.description.value = description_html(text)
        self.pane.show(fig_dict, text)

    def _on_change(self, _change) -> None:
        self.redraw()


class SilfverskioldTest(widgets.VBox):
    """Choose which muscle is tight and see ankle dorsiflexion with the knee straight and bent."""

    def __init__(self, tables: Mapping | None = None, model: str = DEFAULT_MODEL, tight: str = "gastrocnemius",
                 limit_ankle_deg: float = 0.0, probe: bool = False):
        self.tables = _tables(tables)
        self.names = mf.muscle_names(self.tables.get("muscles"))
        self._geometry: dict[str, MuscleGeometry] = {}
        geo = self._geometry_for(model)
        self.model = widgets.ToggleButtons(options=_models(self.tables), value=model, description="Model:")
        self.tight = widgets.ToggleButtons(options=[(c.capitalize(), c) for c in mf.TIGHT_CHOICES], value=tight,
                                           description="Tight muscle:", style={"description_width": "initial"})
        lo, hi = geo.ankle_range
        self.limit = widgets.IntSlider(value=int(limit_ankle_deg), min=int(lo), max=int(hi), step=1,
                                       description=("Dorsiflexion the tight muscle allows with the knee straight "
                                                    "(°; negative = plantarflexion)"),
                                       style={"description_width": "initial"}, layout={"width": "780px"})
        if probe:
            self.tight.add_class(PROBE)
        self.course_source_ids = table_sources(self.tables["muscle_geometry"])
        self.output = widgets.Output()
        self.description = widgets.HTML()
        self.view = widgets.VBox([self.output, self.description])
        if probe:
            self.view.add_class(PROBE_OUTPUT)
        for w in (self.model, self.tight, self.limit):
            w.observe(self._on_change, names="value")
        super().__init__([self.model, self.tight, self.limit, self.view])
        self.redraw()

    def _geometry_for(self, model: str) -> MuscleGeometry:
        if model not in self._geometry:
            self._geometry[model] = MuscleGeometry.from_table(self.tables["muscle_geometry"], model)
        return self._geometry[model]

    def result(self) -> mf.SilfverskioldResult:
        """Return the test's result for the current choices."""
        return mf.silfverskiold(self._geometry_for(self.model.value), self.tight.value, self.limit.value)

    def redraw(self) -> None:
        """Recompute and show the figure and its description."""
        geo = self._geometry_for(self.model.value)
        geo_rows = self.tables["muscle_geometry"]
        sources = table_sources(geo_rows[geo_rows["model"] == self.model.value])
        r = self.result()
        self.limit.disabled = self.tight.value == "neither"
        labels = source_labels(self.tables)
        text = mf.silfverskiold_description(r, self.names, sources, labels)
        self.description.value = description_html(text)
        model = mf.model_labels(self.tables).get(self.model.value, "")
        show_in(self.output, mf.silfverskiold_figure(geo, r, self.names, sources, labels, model), text)

    def _on_change(self, _change) -> None:
        self.redraw()


class PhaseShareExplorer(widgets.VBox):
    """Pick a muscle: see how its recorded activity divides between stance and swing, and note a verdict."""

    VERDICTS = ("mostly in stance", "mostly in swing", "spread over both")

    def __init__(self, tables: Mapping | None = None, muscle: str = "soleus", probe: bool = True):
        self.tables = _tables(tables)
        self.names = mf.muscle_names(self.tables.get("muscles"))
        emg = self.tables["gait_emg"]
        muscles = list(dict.fromkeys(emg["muscle"].astype(str)))
        self.muscle = widgets.Dropdown(options=[(self.names.get(m, m), m) for m in muscles], value=muscle,
                                       description="Muscle:")
        if probe:
            self.muscle.add_class(PROBE)
        self.course_source_ids = self._sources()
        self.output = widgets.Output()
        self.description = widgets.HTML()
        self.view = widgets.VBox([self.output, self.description])
        if probe:
            self.view.add_class(PROBE_OUTPUT)
        self.verdict = widgets.RadioButtons(options=self.VERDICTS, value=None,
                                            description="In this trial the muscle is active:",
                                            style={"description_width": "initial"})
        self.note = widgets.Textarea(placeholder=("Write what you see, and whether it supports the article's claim "
                                                  "(a note for yourself: it is not saved or checked)."),
                                     layout={"width": "640px", "height": "80px"})
        self.reply = widgets.HTML()
        self.muscle.observe(self._on_change, names="value")
        self.verdict.observe(self._on_verdict, names="value")
        super().__init__([self.muscle, self.view, self.verdict, self.reply, self.note])
        self.redraw()

    def shares(self) -> tuple[dict[str, float], dict[str, float]]:
        """Return (share of the muscle's activity per phase, share of time per phase)."""
        emg, phases = self.tables["gait_emg"], self.tables["gait_phases"]
        return mf.phase_share(emg, phases, self.muscle.value), mf.phase_time_share(phases)

    def _sources(self):
        return table_sources(self.tables["gait_emg"]) + table_sources(self.tables["gait_phases"])

    def redraw(self) -> None:
        """Show the bars and their description for the chosen muscle."""
        act, time = self.shares()
        m = self.muscle.value
        labels = source_labels(self.tables)
        text = mf.phase_share_description(act, time, m, self.names, self._sources(), labels)
        self.description.value = description_html(text)
        show_in(self.output, mf.phase_share_figure(act, time, m, self.names, self._sources(), labels), text)
        self._on_verdict(None)

    def _on_change(self, _change) -> None:
        self.verdict.value = None
        self.redraw()

    def _on_verdict(self, _change) -> None:
        if self.verdict.value is None:
            self.reply.value = ""
            return
        act, time = self.shares()
        text = verdict_feedback(self.verdict.value, act, time, self.names.get(self.muscle.value, self.muscle.value))
        self.reply.value = f"<p>{html.escape(text)}</p>"


def verdict_feedback(verdict: str, shares: Mapping[str, float], time_shares: Mapping[str, float],
                     name: str) -> str:
    """Return a reply to the learner's verdict, comparing it with the trial's numbers.

    A muscle whose activity were the same all through the cycle would put the same share of its
    activity in each phase as the phase takes of the time. So a phase counts as where the muscle is
    "mostly" active when it holds over 60 % of the activity and at least 10 percentage points more
    than its share of the time; otherwise the activity is "spread over both".
    Raises ValueError for an unknown verdict.
    """
    if verdict not in PhaseShareExplorer.VERDICTS:
        raise ValueError(f"verdict {verdict!r}; expected one of {', '.join(PhaseShareExplorer.VERDICTS)}")
    top = max(shares, key=shares.get)
    mostly = shares[top] > 0.6 and shares[top] - time_shares.get(top, 0) >= 0.1
    data_says = f"mostly in {top}" if mostly else "spread over both"
    numbers = "; ".join(f"{100 * v:.0f} % of its activity in {p} ({100 * time_shares.get(p, 0):.0f} % of the time)"
                        for p, v in shares.items())
    agree = "Your reading matches the numbers" if verdict == data_says else "Look again at the numbers"
    rule = ("The rule used here: a muscle is mostly active in a phase when that phase holds over 60 % of its "
            "activity and at least 10 points more than its share of the time, since steady activity would "
            "simply follow the time.")
    return f"{agree}: in this one trial {name} has {numbers}. {rule}"
