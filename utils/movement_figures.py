"""Figures about what the calf muscles do: the actions table, model-derived lengths and moment
arms, the Silfverskiöld test, and muscle activity over the gait cycle.

Every builder takes data (course tables, a :class:`~utils.muscle_models.MuscleGeometry`)
and returns a ``plotly.graph_objects.Figure``; every figure has a ``*_description``
function that says the same thing in words for screen readers, also stored with the source ids
in ``layout.meta`` (``{"description", "source_ids"}``) as the other lesson figures do. The explorer's figure
is also available as a plain dict with a fast, pure update (:func:`explorer_changes`)
so a widget can redraw it while a slider moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from utils.display import Figure, bar, new_figure, plotly_template, scatter
from utils.narrative import source_labels, table_sources
from utils.style import FONT_FAMILY, OKABE_ITO, muscle_style

EXPLORER_MUSCLES = ("gastrocnemius_medial", "gastrocnemius_lateral", "soleus")
GASTROCNEMIUS_HEADS = ("gastrocnemius_medial", "gastrocnemius_lateral")
TIGHT_CHOICES = ("gastrocnemius", "soleus", "neither")
KNEE_STRAIGHT_DEG = 0.0
KNEE_BENT_DEG = 90.0
MOMENT_ARM_CATEGORIES = ("ankle: plantarflexion", "knee: flexion")


# ---------------------------------------------------------------- shared helpers

def muscle_names(muscles: pd.DataFrame | None) -> dict[str, str]:
    """Return {muscle_id: display name} from the muscles table (empty dict for None)."""
    if muscles is None:
        return {}
    return {str(m): str(n) for m, n in zip(muscles["muscle_id"], muscles["name"])}


def _name(names: Mapping[str, str] | None, muscle_id: str) -> str:
    if names and muscle_id in names:
        return names[muscle_id]
    return muscle_id.replace("_", " ").capitalize()


def _sources_text(source_ids: Iterable[str], labels: Mapping[str, str] | None = None) -> str:
    """Return "Sources: ..." naming each source by its short label from sources.csv (its id if none given)."""
    ids = list(dict.fromkeys(str(s) for s in source_ids))
    return f"Sources: {'; '.join((labels or {}).get(i, i) for i in ids)}" if ids else ""


def _base_layout(title: str, caption: str, height: int = 430) -> dict:
    """Return the shared layout: title with the caption (model, n, sources) as subtitle, legend below."""
    return {
        "template": plotly_template(),
        "font": {"family": FONT_FAMILY, "size": 14},
        "title": {"text": title, "x": 0.0, "xanchor": "left",
                  "subtitle": {"text": caption, "font": {"size": 11, "color": "#555555"}}},
        "height": height,
        "margin": {"l": 70, "r": 30, "t": 100, "b": 120},
        "legend": {"orientation": "h", "y": -0.25, "yanchor": "top", "x": 0.0},
        "annotations": [],
    }


def _with_meta(fig: Figure, description: str, source_ids: Iterable[str]) -> Figure:
    """Store the figure's text description and source ids in ``layout.meta``; return the figure."""
    fig.update_layout(meta={"description": description, "source_ids": list(dict.fromkeys(source_ids))})
    return fig


def _fmt_deg(x: float) -> str:
    return f"{x:.0f}°" if abs(x - round(x)) < 0.05 else f"{x:.1f}°"


def _ankle_words(ankle_deg: float) -> str:
    if abs(ankle_deg) < 0.05:
        return "ankle at 0° (foot at a right angle to the leg)"
    kind = "dorsiflexion" if ankle_deg > 0 else "plantarflexion"
    return f"ankle in {_fmt_deg(abs(ankle_deg))} of {kind}"


# ---------------------------------------------------------------- actions (lesson 04)

ROLE_WORDS = {"prime_mover": "prime mover", "assistant": "assists", "weak": "weak",
              "postural": "postural (standing)"}


def actions_frame(tables: Mapping[str, pd.DataFrame], muscle_ids: Iterable[str]) -> pd.DataFrame:
    """Return what each muscle does at each joint it crosses, from actions.csv.

    Columns: muscle, joint, action, role, when (the condition), source_ids; rows in the order of
    ``muscle_ids``. Raises KeyError naming a muscle with no rows in actions.csv.
    """
    actions = tables["actions"]
    names = muscle_names(tables.get("muscles"))
    parts = []
    for m in muscle_ids:
        rows = actions[actions["muscle_id"] == m]
        if rows.empty:
            raise KeyError(f"actions.csv has no rows for muscle_id {m!r}")
        parts.append(pd.DataFrame({
            "muscle": _name(names, m), "joint": rows["joint"].astype(str).str.replace("_", " "),
            "action": rows["action"].astype(str),
            "role": [ROLE_WORDS.get(str(r), str(r).replace("_", " ")) for r in rows["role"]],
            "when": ["—" if not isinstance(c, str) else c for c in rows["condition"]],
            "source_ids": list(rows["source_ids"])}))
    return pd.concat(parts, ignore_index=True)


def actions_table(tables: Mapping[str, pd.DataFrame], muscle_ids: Iterable[str]) -> pd.DataFrame:
    """Return :func:`actions_frame` for display: source ids replaced by a ``sources`` citation column.

    ``attrs["source_ids"]`` holds every source id cited, in first-seen order.
    """
    from utils.narrative import cite, unique_ids

    df = actions_frame(tables, muscle_ids)
    df["sources"] = [cite(tables, ids) for ids in df["source_ids"]]
    out = df.drop(columns="source_ids")
    out.attrs["source_ids"] = unique_ids(df["source_ids"])
    return out


# ---------------------------------------------------------------- explorer (lesson 04)

@dataclass(frozen=True)
class ExplorerSetup:
    """What the explorer needs besides the angles: geometry, muscles, names, sources."""

    geometry: object  # utils.muscle_models.MuscleGeometry
    muscles: tuple[str, ...]
    names: Mapping[str, str]
    source_ids: tuple[str, ...]
    parameters: Mapping[str, Mapping[str, float]]
    source_labels: Mapping[str, str] = field(default_factory=dict)  # short labels from sources.csv
    model_label: str = ""  # the model's name from models.csv; the model id when that is empty


def model_labels(tables: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Return {model id: the name learners see} from the ``models`` table (empty without one)."""
    models = tables.get("models")
    if models is None:
        return {}
    return dict(zip(models["model_id"].astype(str), models["label"].astype(str)))


def _model_name(setup: ExplorerSetup) -> str:
    return setup.model_label or setup.geometry.model


def models_md(tables: Mapping[str, pd.DataFrame]) -> str:
    """Return the musculoskeletal models of ``models.csv`` as a Markdown list: name, what it is, sources."""
    from utils.narrative import cite

    return "\n".join(f"- **{m['label']}:** {m['description']} {cite(tables, m['source_ids'])}"
                     for m in tables["models"].to_dict("records"))


def model_sources(tables: Mapping[str, pd.DataFrame]) -> tuple[str, ...]:
    """Return the source ids cited by ``models.csv``, in order of first use."""
    return table_sources(tables["models"])


def explorer_setup(geometry, tables: Mapping[str, pd.DataFrame],
                   muscles: Iterable[str] = EXPLORER_MUSCLES) -> ExplorerSetup:
    """Return the explorer's fixed inputs for ``geometry`` (a MuscleGeometry) and course tables.

    Raises ValueError naming any muscle the geometry does not hold.
    """
    muscles = tuple(muscles)
    missing = [m for m in muscles if m not in geometry.muscles]
    if missing:
        raise ValueError(f"muscle_geometry.csv has no rows for {', '.join(missing)} in model "
                         f"{geometry.model!r}; expected muscles among {', '.join(geometry.muscles)}")
    geo = tables["muscle_geometry"]
    rows = geo[geo["model"] == geometry.model]
    sources = table_sources(rows)
    params = {}
    mp = tables.get("muscle_parameters")
    if mp is not None:
        sel = mp[mp["model"] == geometry.model]
        for rec in sel.to_dict("records"):
            params[str(rec["muscle_id"])] = {
                "max_isometric_force_n": float(rec["max_isometric_force_n"]),
                "optimal_fiber_length_m": float(rec["optimal_fiber_length_m"]),
            }
        sources = tuple(dict.fromkeys(sources + table_sources(sel)))
    labels = source_labels(tables) if "sources" in tables else {}
    return ExplorerSetup(geometry, muscles, muscle_names(tables.get("muscles")), sources, params,
                         {s: labels[s] for s in sources if s in labels},
                         model_labels(tables).get(geometry.model, ""))


def _length_curves(setup: ExplorerSetup, knee_deg: float) -> np.ndarray:
    """Return length change (mm) over the ankle grid at ``knee_deg``, shape (muscle, ankle)."""
    g = setup.geometry
    out = np.empty((len(setup.muscles), len(g.ankle_deg)))
    for j, ankle in enumerate(g.ankle_deg):
        q = g.query(knee_deg, float(ankle))
        for i, m in enumerate(setup.muscles):
            out[i, j] = q[m]["length_change_m"] * 1000.0
    return out


# Where each muscle's "+12 mm" label sits beside its marker: at the reference pose all the markers
# meet at one point, and labels on the same side would print over each other.
MARKER_LABEL_POSITIONS = ("middle right", "middle left", "bottom center", "top center")


def _moment_arm_extent_mm(setup: ExplorerSetup) -> tuple[float, float]:
    """Return the smallest and largest moment arm (mm, ankle or knee) of the explorer's muscles.

    Interpolation between grid points cannot leave the range of the grid values, so the grid holds both.
    """
    extents = [setup.geometry.grid_extent(key, setup.muscles)
               for key in ("ankle_moment_arm_m", "knee_moment_arm_m")]
    return min(lo for lo, _ in extents) * 1000.0, max(hi for _, hi in extents) * 1000.0


def explorer_values(setup: ExplorerSetup, knee_deg: float, ankle_deg: float) -> dict[str, dict[str, float]]:
    """Return {muscle_id: {length_change_mm, knee_effect_mm, ankle_moment_arm_mm, knee_moment_arm_mm}}.

    ``knee_effect_mm`` is the length change caused by the knee alone: length at this pose minus
    the length with the knee straight at the same ankle angle. Raises ValueError outside the grid.
    """
    g = setup.geometry
    here = g.query(knee_deg, ankle_deg)
    straight = g.query(KNEE_STRAIGHT_DEG, ankle_deg)
    return {m: {"length_change_mm": here[m]["length_change_m"] * 1000.0,
                "knee_effect_mm": (here[m]["length_m"] - straight[m]["length_m"]) * 1000.0,
                "ankle_moment_arm_mm": here[m]["ankle_moment_arm_m"] * 1000.0,
                "knee_moment_arm_mm": here[m]["knee_moment_arm_m"] * 1000.0}
            for m in setup.muscles}


def _signed_mm(x: float) -> str:
    return "0 mm" if abs(x) < 0.5 else f"{x:+.0f} mm"


def _pose_title(knee_deg: float, ankle_deg: float) -> str:
    knee = "Knee straight (0°)" if abs(knee_deg) < 0.05 else f"Knee flexed {_fmt_deg(knee_deg)}"
    return f"{knee}, {_ankle_words(ankle_deg)}"


def _mm(x: float) -> str:
    """Return a length in whole millimetres, rounded as the explorer's bar labels are."""
    return f"{round(x, 1):.0f}"


def explorer_changes(setup: ExplorerSetup, knee_deg: float, ankle_deg: float) -> dict:
    """Return the parts of the explorer figure that depend on the angles (pure and fast).

    Keys: ``traces`` {trace index: {property: new value}} and ``title`` (the subplot title
    text). Raises ValueError if an angle is outside the model grid.
    """
    n = len(setup.muscles)
    curves = _length_curves(setup, knee_deg)
    values = explorer_values(setup, knee_deg, ankle_deg)
    traces = {}
    for i, m in enumerate(setup.muscles):
        v = values[m]
        traces[3 * i + 1] = {"y": np.round(curves[i], 2).tolist()}
        traces[3 * i + 2] = {"x": [float(ankle_deg)], "y": [round(v["length_change_mm"], 2)],
                             "text": [_signed_mm(v["length_change_mm"])]}
        ys = [round(v["ankle_moment_arm_mm"], 1), round(v["knee_moment_arm_mm"], 1)]
        traces[3 * n + i] = {"y": ys, "text": [f"{_mm(y)} mm" for y in ys]}
    return {"traces": traces, "title": _pose_title(knee_deg, ankle_deg)}


def apply_explorer_changes(fig_dict: dict, changes: dict) -> dict:
    """Write ``changes`` (from :func:`explorer_changes`) into ``fig_dict`` in place; return it."""
    data = fig_dict["data"]
    for index, props in changes["traces"].items():
        data[index].update(props)
    fig_dict["layout"]["annotations"][0]["text"] = changes["title"]
    return fig_dict


def explorer_figure_dict(setup: ExplorerSetup, knee_deg: float = KNEE_STRAIGHT_DEG,
                         ankle_deg: float = 0.0) -> dict:
    """Return the explorer figure as a plain plotly dict (lists only, JSON-ready).

    Left: length change from the reference posture (knee straight, ankle at 0°) against ankle
    angle, for the knee angle chosen (faint: with the knee straight), with a marker at the chosen
    pose. Right: ankle and knee moment arms at the chosen pose. Raises ValueError outside the grid.
    """
    g = setup.geometry
    ankle_axis = [float(a) for a in g.ankle_deg]
    straight = _length_curves(setup, KNEE_STRAIGHT_DEG)
    data = []
    for i, m in enumerate(setup.muscles):
        st = muscle_style(m)
        name = _name(setup.names, m)
        data.append({"type": "scatter", "mode": "lines", "x": ankle_axis,
                     "y": np.round(straight[i], 2).tolist(), "name": f"{name}, knee straight",
                     "legendgroup": m, "showlegend": False, "opacity": 0.6,
                     "line": {"color": st["color"], "dash": st["dash"], "width": 1.5},
                     "hovertemplate": f"{name}<br>knee straight<br>ankle %{{x}}°<br>"
                                      "length change %{y:.1f} mm<extra></extra>",
                     "xaxis": "x", "yaxis": "y"})
        data.append({"type": "scatter", "mode": "lines", "x": ankle_axis, "y": [],
                     "name": name, "legendgroup": m,
                     "line": {"color": st["color"], "dash": st["dash"], "width": 3},
                     "hovertemplate": f"{name}<br>chosen knee angle<br>ankle %{{x}}°<br>"
                                      "length change %{y:.1f} mm<extra></extra>",
                     "xaxis": "x", "yaxis": "y"})
        data.append({"type": "scatter", "mode": "markers+text", "x": [], "y": [], "text": [],
                     "name": f"{name}, chosen pose", "legendgroup": m, "showlegend": False,
                     "textposition": MARKER_LABEL_POSITIONS[i % len(MARKER_LABEL_POSITIONS)],
                     "marker": {"color": st["color"], "symbol": st["symbol"], "size": 13,
                                "line": {"color": "black", "width": 1}},
                     "hovertemplate": f"{name}<br>chosen pose<br>ankle %{{x}}°<br>"
                                      "length change %{y:.1f} mm<extra></extra>",
                     "xaxis": "x", "yaxis": "y"})
    for m in setup.muscles:
        st = muscle_style(m)
        name = _name(setup.names, m)
        data.append({"type": "bar", "x": list(MOMENT_ARM_CATEGORIES), "y": [], "text": [],
                     "textposition": "outside", "name": f"{name}: moment arm (bars)", "legendgroup": m,
                     "marker": {"color": st["color"], "pattern": {"shape": st["pattern"]},
                                "line": {"color": "black", "width": 1}},
                     "hovertemplate": f"{name}<br>%{{x}}<br>moment arm %{{y:.1f}} mm<extra></extra>",
                     "xaxis": "x2", "yaxis": "y2"})
    layout = _base_layout("What the knee angle does to the calf muscles (model-derived)",
                          f"Computed with the {_model_name(setup)} musculoskeletal model. "
                          + _sources_text(setup.source_ids, setup.source_labels), height=560)
    layout["annotations"].append({"text": "", "xref": "paper", "yref": "paper", "x": 0.0, "y": 1.0,
                                  "yanchor": "bottom", "showarrow": False, "xanchor": "left",
                                  "font": {"size": 13}})
    layout.update({
        "xaxis": {"domain": [0.0, 0.55], "title": {"text": "ankle angle (°; + dorsiflexion, − plantarflexion)"},
                  "range": [ankle_axis[0] - 2, ankle_axis[-1] + 2], "zeroline": True},
        "yaxis": {"title": {"text": "muscle–tendon length change (mm)"}, "zeroline": True},
        "xaxis2": {"domain": [0.68, 1.0], "anchor": "y2"},
        "yaxis2": {"anchor": "x2", "title": {"text": "moment arm (mm)"}, "rangemode": "tozero"},
        "barmode": "group",
    })
    lo = float(np.min(_length_curves(setup, float(g.knee_deg[-1]))))
    hi = float(np.max(straight))
    pad = 0.08 * (hi - lo)
    layout["yaxis"]["range"] = [lo - pad, hi + pad]
    # The same moment-arm scale at every pose, so bar heights can be compared as the sliders move.
    low, high = _moment_arm_extent_mm(setup)
    layout["yaxis2"]["range"] = [min(0.0, low * 1.15), max(0.0, high * 1.15)]
    fig = new_figure({"data": data, "layout": layout}).to_dict()
    return apply_explorer_changes(fig, explorer_changes(setup, knee_deg, ankle_deg))


def explorer_figure(setup: ExplorerSetup, knee_deg: float = KNEE_STRAIGHT_DEG,
                    ankle_deg: float = 0.0) -> Figure:
    """Return the explorer figure (see :func:`explorer_figure_dict`) as a plotly Figure."""
    fig = new_figure(explorer_figure_dict(setup, knee_deg, ankle_deg))
    return _with_meta(fig, explorer_description(setup, knee_deg, ankle_deg), setup.source_ids)


_NO_ARM_MM = 0.05  # a knee moment arm below this: the muscle's path does not cross the knee
_SAME_MM = 0.05  # a length change below this is no change (interpolation rounding)


def explorer_description(setup: ExplorerSetup, knee_deg: float, ankle_deg: float) -> str:
    """Return, in words, what the explorer figure shows at this pose (for screen readers)."""
    values = explorer_values(setup, knee_deg, ankle_deg)
    parts = [f"{_pose_title(knee_deg, ankle_deg)}, in the {_model_name(setup)} model."]
    for m in setup.muscles:
        v = values[m]
        name = _name(setup.names, m)
        change = v["length_change_mm"]
        knee = v["knee_effect_mm"]
        ankle = change - knee  # what the ankle angle adds, at this knee angle
        straight = abs(knee_deg) < 0.5
        if abs(change) < 0.5:
            if straight and abs(ankle_deg) < 0.5:
                text = f"{name}: the same length as at the reference pose"
            else:
                about = "about " if abs(change) >= _SAME_MM else ""
                text = f"{name}: {about}the same length as with the knee straight and the ankle at 0°"
        else:
            text = (f"{name}: {abs(change):.0f} mm {'longer' if change > 0 else 'shorter'} than with the knee "
                    f"straight and the ankle at 0°")
        if abs(knee) >= 0.5:
            text += f"; the knee angle alone makes it {abs(knee):.0f} mm {'longer' if knee > 0 else 'shorter'}"
            opt = setup.parameters.get(m, {}).get("optimal_fiber_length_m")
            if opt:
                text += (f" (the whole muscle–tendon unit; that is about {abs(knee) / (opt * 1000):.0%} of "
                         f"its optimal fibre length of {opt * 1000:.0f} mm)")
            if abs(ankle) >= 0.5:
                text += f", and the ankle angle makes it {abs(ankle):.0f} mm {'longer' if ankle > 0 else 'shorter'}"
        elif straight:
            if abs(change) >= 0.5:
                text += "; the knee is straight, so all of this change comes from the ankle"
        elif abs(v["knee_moment_arm_mm"]) < _NO_ARM_MM:
            text += "; the knee angle does not change its length"
        else:
            text += "; at this knee angle the knee changes its length by less than 1 mm"
        knee_arm = v["knee_moment_arm_mm"]
        if abs(knee_arm) < _NO_ARM_MM:
            at_knee = "no moment arm at the knee (its path does not cross the knee)"
        else:
            at_knee = f"at the knee {_mm(knee_arm)} mm ({'knee flexor' if knee_arm > 0 else 'knee extensor'})"
        text += f". Moment arm at the ankle {_mm(v['ankle_moment_arm_mm'])} mm (plantarflexor), {at_knee}."
        parts.append(text)
    parts.append(_sources_text(setup.source_ids, setup.source_labels) + ".")
    return " ".join(parts)


def stretch_comparison(setup: ExplorerSetup, start: tuple[float, float], end: tuple[float, float]) -> str:
    """Return, as Markdown, how much each muscle–tendon unit lengthens from pose ``start`` to pose ``end``.

    Poses are (knee flexion °, ankle dorsiflexion °). Raises ValueError for a pose outside the model's grid.
    """
    geometry = setup.geometry
    before, after = geometry.query(*start), geometry.query(*end)
    lines = [f"From {_pose_title(*start).lower()} to {_pose_title(*end).lower()}, "
             f"in the {_model_name(setup)} model:", ""]
    for m in setup.muscles:
        change = (after[m]["length_m"] - before[m]["length_m"]) * 1000.0
        word = "longer" if change >= 0 else "shorter"
        lines.append(f"- {_name(setup.names, m)}: {abs(change):.0f} mm {word}")
    lines += ["", _sources_text(setup.source_ids, setup.source_labels) + "."]
    return "\n".join(lines)


def force_comparison(setup: ExplorerSetup, tables: Mapping[str, pd.DataFrame] | None = None) -> str:
    """Return a sentence comparing the model's maximum isometric forces of soleus and gastrocnemius.

    With ``tables`` the sources are cited by their short labels, otherwise by id. Returns an empty
    string when the parameters are missing.
    """
    p = setup.parameters
    heads = [m for m in GASTROCNEMIUS_HEADS if m in p]
    if "soleus" not in p or not heads:
        return ""
    gas = sum(p[m]["max_isometric_force_n"] for m in heads)
    sol = p["soleus"]["max_isometric_force_n"]
    if tables is not None:
        from utils.narrative import cite
        sources = cite(tables, setup.source_ids)
    else:
        sources = _sources_text(setup.source_ids, setup.source_labels) + "."
    return (f"In the {_model_name(setup)} model the maximum isometric force of soleus "
            f"(the force it produces when fully active at its optimal fibre length, neither shortening nor "
            f"lengthening) is {sol:,.0f} N; the two gastrocnemius heads together: {gas:,.0f} N. So even when a "
            f"bent knee weakens gastrocnemius, the larger soleus can still plantarflex the ankle. {sources}")


# ---------------------------------------------------------------- Silfverskiöld test (lesson 04)

@dataclass(frozen=True)
class SilfverskioldResult:
    """Dorsiflexion limits of the simplified Silfverskiöld test.

    ``straight_deg``/``bent_deg``: largest ankle dorsiflexion with the knee straight/bent;
    ``*_capped``: True when no tight muscle stops the ankle inside the model grid, so the value
    is the grid's end. ``limiting``: the muscle that stops the ankle in each position (or None).
    """

    tight: str
    limit_ankle_deg: float
    knee_straight_deg: float
    knee_bent_deg: float
    straight_deg: float
    bent_deg: float
    straight_capped: bool
    bent_capped: bool
    limiting_straight: str | None
    limiting_bent: str | None
    limit_lengths_m: Mapping[str, float]

    @property
    def difference_deg(self) -> float:
        """Return bent minus straight dorsiflexion, degrees."""
        return self.bent_deg - self.straight_deg


def tight_muscles(geometry, tight: str) -> tuple[str, ...]:
    """Return the muscle ids that are tight for a choice in TIGHT_CHOICES; raises ValueError."""
    if tight not in TIGHT_CHOICES:
        raise ValueError(f"tight = {tight!r}; expected one of {', '.join(TIGHT_CHOICES)}")
    if tight == "neither":
        return ()
    if tight == "gastrocnemius":
        return tuple(m for m in GASTROCNEMIUS_HEADS if m in geometry.muscles)
    return (tight,) if tight in geometry.muscles else ()


def _dorsiflexion_limit(geometry, muscle: str, knee_deg: float, limit_m: float) -> tuple[float, bool]:
    """Return (largest dorsiflexion at which ``muscle`` is not longer than ``limit_m``, capped?)."""
    ankle = geometry.ankle_deg
    lengths = np.array([geometry.query(knee_deg, float(a))[muscle]["length_m"] for a in ankle])
    if np.any(np.diff(lengths) <= 0):
        raise ValueError(f"length of {muscle} does not increase with dorsiflexion at knee {knee_deg}°; "
                         "the simplified test needs a monotonic curve")
    if limit_m >= lengths[-1]:
        return float(ankle[-1]), True
    if limit_m <= lengths[0]:
        return float(ankle[0]), False
    return float(np.interp(limit_m, lengths, ankle)), False


def silfverskiold(geometry, tight: str, limit_ankle_deg: float = 0.0,
                  knee_straight_deg: float = KNEE_STRAIGHT_DEG,
                  knee_bent_deg: float = KNEE_BENT_DEG) -> SilfverskioldResult:
    """Return the simplified Silfverskiöld test for a tight muscle.

    Simplification: a tight muscle–tendon unit cannot be stretched beyond the length it has
    with the knee straight and the ankle at ``limit_ankle_deg``; the ankle stops at the first
    dorsiflexion angle where any tight unit reaches its limit; nothing else limits the ankle
    inside the model grid. Raises ValueError for an unknown choice or an angle outside the grid.
    """
    muscles = tight_muscles(geometry, tight)
    lo, hi = geometry.knee_range
    for knee in (knee_straight_deg, knee_bent_deg):
        if not lo <= knee <= hi:
            raise ValueError(f"knee angle {knee!r} is outside the model grid; expected {lo:g} to {hi:g}")
    limits = {m: geometry.query(knee_straight_deg, limit_ankle_deg)[m]["length_m"] for m in muscles}
    out = {}
    for label, knee in (("straight", knee_straight_deg), ("bent", knee_bent_deg)):
        best, capped, who = float(geometry.ankle_deg[-1]), True, None
        for m in muscles:
            angle, m_capped = _dorsiflexion_limit(geometry, m, knee, limits[m])
            if not m_capped and (capped or angle < best):
                best, capped, who = angle, False, m
        out[label] = (best, capped, who)
    return SilfverskioldResult(tight, float(limit_ankle_deg), float(knee_straight_deg), float(knee_bent_deg),
                               out["straight"][0], out["bent"][0], out["straight"][1], out["bent"][1],
                               out["straight"][2], out["bent"][2], limits)


def _limit_words(angle: float, capped: bool) -> str:
    if capped:
        return f"dorsiflexes to at least {_fmt_deg(angle)}"
    if angle < 0:
        return f"stops short of 0°, in {-angle:.0f}° of plantarflexion"
    if round(angle) == 0:
        return "stops at 0° (no dorsiflexion)"
    return f"dorsiflexes to {angle:.0f}°"


def silfverskiold_description(result: SilfverskioldResult, names: Mapping[str, str] | None = None,
                              source_ids: Iterable[str] = (), labels: Mapping[str, str] | None = None) -> str:
    """Return the simplified test's result in words (for screen readers and the learner)."""
    r = result
    who = {"gastrocnemius": "both heads of gastrocnemius are", "soleus": "soleus is",
           "neither": "no calf muscle is"}[r.tight]
    text = (f"If {who} tight, with the knee straight the ankle {_limit_words(r.straight_deg, r.straight_capped)}; "
            f"with the knee bent to {_fmt_deg(r.knee_bent_deg)} it {_limit_words(r.bent_deg, r.bent_capped)}.")
    beyond_range = r.tight != "neither" and r.straight_capped and r.bent_capped  # said just below
    if (r.straight_capped or r.bent_capped) and not beyond_range:
        end = r.bent_deg if r.bent_capped else r.straight_deg
        text += (f" The model's ankle data end at {_fmt_deg(end)} of dorsiflexion, so \u201cat least\u201d means"
                 " that no tight muscle stops the ankle before that.")
    if r.tight != "neither":
        if r.straight_capped and r.bent_capped:
            text += " The limit chosen is beyond the model's range, so nothing stops the ankle."
        elif abs(r.difference_deg) < 0.5:
            text += " Bending the knee makes no difference."
        else:
            more = "at least " if r.bent_capped else ""
            text += f" Bending the knee gives {more}{r.difference_deg:.0f}° more dorsiflexion."
        limiting = r.limiting_straight or r.limiting_bent
        if r.tight == "gastrocnemius" and limiting:
            text += f" The left panel shows {_name(names, limiting)}, the head that stops the ankle first."
    src = _sources_text(source_ids, labels)
    return text + (f" {src}." if src else "")


def silfverskiold_figure(geometry, result: SilfverskioldResult, names: Mapping[str, str] | None = None,
                         source_ids: Iterable[str] = (), labels: Mapping[str, str] | None = None,
                         model_label: str = "") -> Figure:
    """Return the simplified Silfverskiöld test as a figure; ``model_label`` names the model (default its id).

    Left: length of the muscle that limits the ankle (or medial gastrocnemius when none is
    tight) against ankle angle, knee straight and knee bent, with its length limit. Right:
    the dorsiflexion reached in each knee position.
    """
    r = result
    shown = r.limiting_straight or r.limiting_bent or (tight_muscles(geometry, r.tight) or
                                                       ("gastrocnemius_medial",))[0]
    st = muscle_style(shown)
    name = _name(names, shown)
    ankle = [float(a) for a in geometry.ankle_deg]
    data = []
    for label, knee, dash, symbol in (("knee straight", r.knee_straight_deg, "solid", "circle"),
                                      ("knee bent", r.knee_bent_deg, "dot", "square")):
        y = [round(geometry.query(knee, a)[shown]["length_m"] * 1000.0, 1) for a in ankle]
        data.append(scatter(x=ankle, y=y, mode="lines+markers", name=f"{name}, {label} ({_fmt_deg(knee)})",
                               line={"color": st["color"], "dash": dash, "width": 3},
                               marker={"symbol": symbol, "size": 7, "color": st["color"]},
                               hovertemplate=f"{name}<br>{label}<br>ankle %{{x}}°<br>"
                                             "length %{y:.1f} mm<extra></extra>",
                               xaxis="x", yaxis="y"))
    if shown in r.limit_lengths_m:
        limit_mm = r.limit_lengths_m[shown] * 1000.0
        data.append(scatter(x=[ankle[0], ankle[-1]], y=[limit_mm, limit_mm], mode="lines",
                               name="length limit of the tight unit", line={"color": "black", "dash": "dash"},
                               hovertemplate="length limit %{y:.1f} mm<extra></extra>", xaxis="x", yaxis="y"))
    bar_labels = [f"knee straight ({_fmt_deg(r.knee_straight_deg)})", f"knee bent ({_fmt_deg(r.knee_bent_deg)})"]
    values = [round(r.straight_deg, 1), round(r.bent_deg, 1)]
    texts = [("≥ " if c else "") + _fmt_deg(v) for v, c in zip(values, (r.straight_capped, r.bent_capped))]
    data.append(bar(x=bar_labels, y=values, text=texts, textposition="outside", name="dorsiflexion reached",
                       marker={"color": OKABE_ITO["grey"], "pattern": {"shape": ["", "/"]},
                               "line": {"color": "black", "width": 1}},
                       hovertemplate="%{x}<br>dorsiflexion reached %{y:.0f}°<extra></extra>",
                       xaxis="x2", yaxis="y2", showlegend=False))
    title = {"gastrocnemius": "Tight gastrocnemius", "soleus": "Tight soleus",
             "neither": "No tight calf muscle"}[r.tight]
    layout = _base_layout(f"Simplified Silfverskiöld test: {title}",
                          f"Model {model_label or geometry.model}; simplified: see the text. "
                          + _sources_text(source_ids, labels),
                          height=470)
    layout.update({
        "xaxis": {"domain": [0.0, 0.55], "title": {"text": "ankle angle (°; + dorsiflexion)"}},
        "yaxis": {"title": {"text": "muscle–tendon length (mm)"}},
        "xaxis2": {"domain": [0.68, 1.0], "anchor": "y2"},
        "yaxis2": {"anchor": "x2", "title": {"text": "dorsiflexion reached (°)"},
                   "range": [min(0.0, min(values)) - 5, ankle[-1] + 8]},
    })
    fig = new_figure(data=data, layout=layout)
    return _with_meta(fig, silfverskiold_description(r, names, source_ids, labels), source_ids)


# ---------------------------------------------------------------- gait (lesson 05)

def phase_intervals(phases: pd.DataFrame) -> list[tuple[str, float, float]]:
    """Return [(phase, start %, end %)] sorted by start; raises ValueError if they overlap or leave gaps."""
    rows = sorted(((str(p), float(s), float(e)) for p, s, e in
                   zip(phases["phase"], phases["start_percent"], phases["end_percent"])), key=lambda r: r[1])
    for (p1, _, e1), (p2, s2, _) in zip(rows, rows[1:]):
        if abs(e1 - s2) > 1e-9:
            raise ValueError(f"gait_phases.csv: phase {p1!r} ends at {e1} % but {p2!r} starts at {s2} %; "
                             "expected phases that meet")
    return rows


def _emg_curve(emg: pd.DataFrame, muscle: str) -> tuple[np.ndarray, np.ndarray]:
    rows = emg[emg["muscle"] == muscle].sort_values("percent_cycle")
    if rows.empty:
        known = ", ".join(sorted(set(emg["muscle"].astype(str))))
        raise ValueError(f"gait_emg.csv has no rows for muscle {muscle!r}; expected one of: {known}")
    return rows["percent_cycle"].to_numpy(float), rows["envelope"].to_numpy(float)


def _area(x: np.ndarray, y: np.ndarray, start: float, end: float) -> float:
    inside = (x > start) & (x < end)
    xs = np.concatenate([[start], x[inside], [end]])
    ys = np.interp(xs, x, y)
    return float(np.sum((ys[1:] + ys[:-1]) * np.diff(xs)) / 2.0)


def phase_share(emg: pd.DataFrame, phases: pd.DataFrame, muscle: str) -> dict[str, float]:
    """Return {phase: share of the muscle's activity (area under its envelope) in that phase}.

    Shares add up to 1. Raises ValueError for an unknown muscle or when the envelope is all zero.
    """
    x, y = _emg_curve(emg, muscle)
    areas = {p: _area(x, y, s, e) for p, s, e in phase_intervals(phases)}
    total = sum(areas.values())
    if total <= 0:
        raise ValueError(f"gait_emg.csv: the envelope of {muscle!r} is zero over the whole cycle")
    return {p: a / total for p, a in areas.items()}


def phase_time_share(phases: pd.DataFrame) -> dict[str, float]:
    """Return {phase: share of the cycle's duration}."""
    rows = phase_intervals(phases)
    total = rows[-1][2] - rows[0][1]
    return {p: (e - s) / total for p, s, e in rows}


def _phase_shapes(phases: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    fills = {"stance": OKABE_ITO["grey"], "swing": OKABE_ITO["yellow"]}
    shapes, notes = [], []
    for p, s, e in phase_intervals(phases):
        shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": s, "x1": e, "y0": 0, "y1": 1,
                       "fillcolor": fills.get(p, OKABE_ITO["sky_blue"]), "opacity": 0.15, "line": {"width": 0},
                       "layer": "below"})
        notes.append({"text": f"<b>{p}</b> ({s:.0f}–{e:.0f} %)", "x": (s + e) / 2, "xref": "x", "y": 1.0,
                      "yref": "paper", "yanchor": "bottom", "showarrow": False, "font": {"size": 12}})
    return shapes, notes


def gait_emg_figure(emg: pd.DataFrame, phases: pd.DataFrame, muscles: Iterable[str] | None = None,
                    names: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None) -> Figure:
    """Return the EMG envelopes over one gait cycle with stance and swing shaded and labelled."""
    muscles = list(muscles) if muscles is not None else list(dict.fromkeys(emg["muscle"].astype(str)))
    data = []
    for m in muscles:
        x, y = _emg_curve(emg, m)
        st = muscle_style(m)
        name = _name(names, m)
        data.append(scatter(x=x, y=y, mode="lines+markers", name=name,
                               line={"color": st["color"], "dash": st["dash"], "width": 2.5},
                               marker={"symbol": st["symbol"], "size": 7, "maxdisplayed": 14},
                               hovertemplate=f"{name}<br>%{{x:.0f}} % of the cycle<br>"
                                             "activity %{y:.2f} of its peak<extra></extra>"))
    shapes, notes = _phase_shapes(phases)
    layout = _base_layout("Muscle activity (EMG envelope) over one walking cycle",
                          "One person, one walking trial (n = 1); each envelope scaled to its own peak. "
                          + _sources_text(table_sources(emg) + table_sources(phases), labels), height=460)
    layout["margin"]["t"] = 120
    layout["annotations"].extend(notes)
    layout.update({"shapes": shapes,
                   "xaxis": {"title": {"text": "% of the gait cycle (0 = right foot strikes)"}, "range": [0, 100]},
                   "yaxis": {"title": {"text": "activity (fraction of its peak)"}, "range": [0, 1.05]}})
    fig = new_figure(data=data, layout=layout)
    return _with_meta(fig, gait_emg_description(emg, phases, muscles, names, labels),
                      table_sources(emg) + table_sources(phases))


def gait_emg_description(emg: pd.DataFrame, phases: pd.DataFrame, muscles: Iterable[str] | None = None,
                         names: Mapping[str, str] | None = None, labels: Mapping[str, str] | None = None) -> str:
    """Return what the EMG figure shows in words: phases, each muscle's peak and its stance share."""
    muscles = list(muscles) if muscles is not None else list(dict.fromkeys(emg["muscle"].astype(str)))
    rows = phase_intervals(phases)
    parts = ["One walking cycle of one person: " + ", ".join(f"{p} from {s:.0f} % to {e:.0f} %"
                                                             for p, s, e in rows) + "."]
    for m in muscles:
        x, y = _emg_curve(emg, m)
        share = phase_share(emg, phases, m)
        peak = x[int(np.argmax(y))]
        phase_at_peak = next(p for p, s, e in rows if s <= peak <= e)
        shares = ", ".join(f"{v:.0%} in {p}" for p, v in share.items())
        parts.append(f"{_name(names, m)} peaks at {peak:.0f} % ({phase_at_peak}); its activity: {shares}.")
    parts.append(_sources_text(table_sources(emg) + table_sources(phases), labels) + ".")
    return " ".join(parts)


def phase_share_figure(shares: Mapping[str, float], time_shares: Mapping[str, float], muscle: str,
                       names: Mapping[str, str] | None = None, source_ids: Iterable[str] = (),
                       labels: Mapping[str, str] | None = None) -> Figure:
    """Return bars comparing a muscle's share of activity per phase with each phase's share of time."""
    st = muscle_style(muscle)
    name = _name(names, muscle)
    phases = list(shares)
    act = [round(100 * shares[p], 1) for p in phases]
    dur = [round(100 * time_shares.get(p, 0.0), 1) for p in phases]
    data = [
        bar(x=phases, y=act, name=f"{name}: share of its activity", text=[f"{v:.0f} %" for v in act],
               textposition="outside", marker={"color": st["color"], "pattern": {"shape": st["pattern"]},
                                               "line": {"color": "black", "width": 1}},
               hovertemplate=f"{name}<br>%{{x}}: %{{y:.0f}} % of its activity<extra></extra>"),
        bar(x=phases, y=dur, name="share of the cycle's time", text=[f"{v:.0f} %" for v in dur],
               textposition="outside", marker={"color": "white", "line": {"color": "black", "width": 1.5}},
               hovertemplate="%{x}: %{y:.0f} % of the cycle's time<extra></extra>"),
    ]
    layout = _base_layout(f"{name}: when in the cycle is it active?", "One person, one trial (n = 1). "
                          + _sources_text(source_ids, labels), height=400)
    layout.update({"barmode": "group", "yaxis": {"title": {"text": "% of total"}, "range": [0, 110]}})
    fig = new_figure(data=data, layout=layout)
    return _with_meta(fig, phase_share_description(shares, time_shares, muscle, names, source_ids, labels),
                      source_ids)


def phase_share_description(shares: Mapping[str, float], time_shares: Mapping[str, float], muscle: str,
                            names: Mapping[str, str] | None = None, source_ids: Iterable[str] = (),
                            labels: Mapping[str, str] | None = None) -> str:
    """Return the phase shares in words."""
    name = _name(names, muscle)
    parts = [f"{phase}: {100 * shares[phase]:.0f} % of {name}'s activity during "
             f"{100 * time_shares.get(phase, 0.0):.0f} % of the cycle's time" for phase in shares]
    src = _sources_text(source_ids, labels)
    return f"{name}, one walking trial: " + "; ".join(parts) + "." + (f" {src}." if src else "")


JOINT_LABELS = {"knee": "knee flexion (0 = straight)", "ankle": "ankle dorsiflexion (− = plantarflexion)"}


def _signed_deg(x: float) -> str:
    return f"−{abs(x):.0f}°" if round(x) < 0 else f"{x:.0f}°"


def gait_angles_description(angles: pd.DataFrame, phases: pd.DataFrame,
                            labels: Mapping[str, str] | None = None) -> str:
    """Return the joint-angle figure in words: each joint's range and where its extremes fall."""
    rows = phase_intervals(phases)

    def phase_of(x):
        return next(p for p, s, e in rows if s <= x <= e)

    parts = ["Joint angles over one walking cycle of one person (n = 1), stance and swing shaded."]
    for joint in dict.fromkeys(angles["joint"].astype(str)):
        r = angles[angles["joint"] == joint].sort_values("percent_cycle")
        x, y = r["percent_cycle"].to_numpy(float), r["angle_deg"].to_numpy(float)
        lo, hi = int(np.argmin(y)), int(np.argmax(y))
        label = JOINT_LABELS.get(joint, joint)
        parts.append(f"{label[0].upper() + label[1:]}: lowest {_signed_deg(y[lo])} at {x[lo]:.0f} % of the cycle "
                     f"({phase_of(x[lo])}), highest {_signed_deg(y[hi])} at {x[hi]:.0f} % ({phase_of(x[hi])}).")
    parts.append(_sources_text(table_sources(angles) + table_sources(phases), labels) + ".")
    return " ".join(parts)


def gait_angles_figure(angles: pd.DataFrame, phases: pd.DataFrame,
                       labels: Mapping[str, str] | None = None) -> Figure:
    """Return joint angles over the gait cycle (columns percent_cycle, joint, angle_deg) with phases shaded."""
    data = []
    dashes = ["solid", "dash", "dot", "dashdot"]
    symbols = ["circle", "square", "diamond", "triangle-up"]
    colours = [OKABE_ITO["black"], OKABE_ITO["orange"], OKABE_ITO["blue"], OKABE_ITO["bluish_green"]]
    for i, joint in enumerate(dict.fromkeys(angles["joint"].astype(str))):
        rows = angles[angles["joint"] == joint].sort_values("percent_cycle")
        label = JOINT_LABELS.get(joint, joint)
        data.append(scatter(x=rows["percent_cycle"].tolist(), y=rows["angle_deg"].tolist(), mode="lines+markers",
                               name=label, line={"color": colours[i % 4], "dash": dashes[i % 4], "width": 2.5},
                               marker={"symbol": symbols[i % 4], "size": 7, "maxdisplayed": 14},
                               hovertemplate=f"{label}<br>%{{x:.0f}} % of the cycle<br>%{{y:.1f}}°<extra></extra>"))
    shapes, notes = _phase_shapes(phases)
    sources = table_sources(angles) + table_sources(phases)
    layout = _base_layout("Knee and ankle angles over the same walking cycle",
                          "One person, one trial (n = 1); angles from the model fitted to the markers. "
                          + _sources_text(sources, labels), height=440)
    layout["margin"]["t"] = 120
    layout["annotations"].extend(notes)
    layout.update({"shapes": shapes, "xaxis": {"title": {"text": "% of the gait cycle (0 = right foot strikes)"},
                                               "range": [0, 100]},
                   "yaxis": {"title": {"text": "angle (°)"}, "zeroline": True}})
    fig = new_figure(data=data, layout=layout)
    return _with_meta(fig, gait_angles_description(angles, phases, labels), sources)
