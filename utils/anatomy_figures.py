"""Figures for lessons 00-03, drawn from the course tables.

Every builder takes the loaded tables and returns a :class:`utils.display.Figure`, plotly
JSON data (never shown here). Each figure carries in ``layout.meta`` a text description for screen
readers (the same words the matching ``describe_*`` function returns) and the source ids of
what it draws. Nothing relies on colour alone: areas have fill patterns and names, lines
have dash styles, points have marker symbols and labels.

Coordinates come from ``figure_shapes.csv``: the cross-section of the right leg seen from
above (anterior up, medial left) and the posterior view of its bones (proximal up, medial left).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from utils.data import derived, derived_from
from utils.display import Figure, new_figure, plotly_template, scatter, side_by_side
from utils.narrative import cite, is_blank, row, table_sources, unique_ids
from utils.style import FONT_FAMILY, OKABE_ITO, compartment_style, muscle_style

Tables = Mapping[str, pd.DataFrame]
CROSS_SECTION = "leg_cross_section"
BONES_VIEW = "leg_bones_posterior"
SCHEMES = ("three", "four")
# How each drawing is oriented (see figure_shapes in datapackage.json).
ORIENTATION = {
    CROSS_SECTION: {"up": "anterior", "down": "posterior", "left": "medial", "right": "lateral"},
    BONES_VIEW: {"up": "proximal", "down": "distal", "left": "medial", "right": "lateral"},
}
NAME_COLUMNS = {"bones": "name", "compartments": "name", "boundaries": "name", "landmarks": "name",
                "muscles": "name", "glossary": "term", "attachments": "attachment_id"}
BOUNDARY_DASH = {"crural_fascia": "solid", "interosseous_membrane": "longdash",
                 "anterior_intermuscular_septum": "dash", "posterior_intermuscular_septum": "dot",
                 "transverse_intermuscular_septum": "dashdot"}
BONE_FILL = "#E6E6E6"
NERVE_STYLE = {"color": OKABE_ITO["black"], "symbol": "diamond"}
ARTERY_STYLE = {"color": OKABE_ITO["vermillion"], "symbol": "circle"}
BONES_X_RANGE = (-11.0, 17.0)
BONES_Y_RANGE = (-47.5, 16.0)
BONES_Y_SCALE = 0.75
BONE_DRAW_ORDER = ("femur", "tibia", "fibula", "talus", "calcaneus")


# ---------------------------------------------------------------- shapes and names

def _shape_index(df: pd.DataFrame) -> dict:
    """Return {figure: its rows in drawing order}, {(figure, structure_id): [(table, points)]}
    and {(figure, table): the structure ids drawn from that table, in order}."""
    ordered = df.sort_values(["figure", "structure_table", "structure_id", "point_order"], kind="stable")
    by_figure = {fig: part for fig, part in ordered.groupby("figure", sort=False)}
    by_structure: dict = {}
    by_table: dict = {}
    for (fig, table, sid), part in ordered.groupby(["figure", "structure_table", "structure_id"], sort=False):
        part.attrs = {}  # the loader's notes on the file; pandas would copy them on every operation
        by_structure.setdefault((fig, sid), []).append((table, part))
        by_table.setdefault((fig, table), []).append(sid)
    return {"figure": by_figure, "structure": by_structure,
            "table": {key: tuple(ids) for key, ids in by_table.items()}}


def shapes(tables: Tables, figure: str) -> pd.DataFrame:
    """Return the figure's rows of figure_shapes, ordered by structure and point; raises KeyError if none."""
    out = derived(tables["figure_shapes"], "shape_index", _shape_index)["figure"].get(figure)
    if out is None:
        raise KeyError(f"no shapes for figure {figure!r} in figure_shapes.csv")
    return out


def drawn_ids(tables: Tables, figure: str, table: str) -> tuple[str, ...]:
    """Return the ids of the structures from ``table`` (e.g. "muscles") drawn in ``figure``, sorted; may be empty."""
    return derived(tables["figure_shapes"], "shape_index", _shape_index)["table"].get((figure, table), ())


def shape(tables: Tables, figure: str, structure_id: str, table: str | None = None) -> pd.DataFrame:
    """Return the points of one structure of a figure; raises KeyError if it is not drawn."""
    parts = derived(tables["figure_shapes"], "shape_index", _shape_index)["structure"].get((figure, structure_id), [])
    hits = [points for t, points in parts if table is None or t == table]
    if not hits:
        raise KeyError(f"{structure_id!r} is not drawn in {figure!r} (figure_shapes.csv)")
    return hits[0] if len(hits) == 1 else pd.concat(hits)


def _plain_points(points: pd.DataFrame) -> dict:
    """Return a structure's points as plain lists, its kind and label position (built once per points table)."""
    def build(p: pd.DataFrame) -> dict:
        first = p.iloc[0]
        lx, ly = first.get("label_x"), first.get("label_y")
        return {"x": p["x"].tolist(), "y": p["y"].tolist(), "kind": first.get("kind"),
                "label": None if pd.isna(lx) or pd.isna(ly) else (float(lx), float(ly))}

    return derived(points, "plain_points", build)


def coords(points: pd.DataFrame, closed: bool = False) -> tuple[list[float], list[float]]:
    """Return x and y lists of a structure's points (first point repeated at the end if ``closed``)."""
    plain = _plain_points(points)
    xs, ys = list(plain["x"]), list(plain["y"])
    if closed and (xs[0], ys[0]) != (xs[-1], ys[-1]):
        xs.append(xs[0])
        ys.append(ys[0])
    return xs, ys


def structure_name(tables: Tables, table: str, structure_id: str) -> str:
    """Return the display name of a structure from the table that holds it."""
    r = row(tables, table, structure_id)
    name = str(r[NAME_COLUMNS[table]])
    return name[0].upper() + name[1:]


def structure_sources(tables: Tables, table: str, structure_id: str) -> tuple[str, ...]:
    """Return the source ids of a structure's row in its own table."""
    return tuple(row(tables, table, structure_id)["source_ids"])


def point_in_polygon(x: float, y: float, xs: Iterable[float], ys: Iterable[float]) -> bool:
    """Return True if (x, y) lies inside the polygon (even-odd ray casting)."""
    px, py = list(xs), list(ys)
    inside = False
    j = len(px) - 1
    for i in range(len(px)):
        if (py[i] > y) != (py[j] > y):
            cross = px[j] + (y - py[j]) * (px[i] - px[j]) / (py[i] - py[j])
            if x < cross:
                inside = not inside
        j = i
    return inside


def centroid(points: pd.DataFrame) -> tuple[float, float]:
    """Return the mean position of a structure's points."""
    plain = _plain_points(points)
    xs, ys = plain["x"], plain["y"]
    return sum(xs) / len(xs), sum(ys) / len(ys)


def label_position(points: pd.DataFrame) -> tuple[float, float] | None:
    """Return where the structure's name is written, or None if the drawing shows no name."""
    return _plain_points(points)["label"]


def _anchor(points: pd.DataFrame) -> tuple[float, float]:
    """Return the point a label's leader line points at.

    For a line: the point of the line nearest its label (so leaders stay short), or its middle
    point when the drawing gives no label; for anything else, the centroid.
    """
    return derived(points, "anchor", _find_anchor)


def _find_anchor(points: pd.DataFrame) -> tuple[float, float]:
    plain = _plain_points(points)
    if plain["kind"] == "line":
        lp = plain["label"]
        if lp is None:
            mid = len(plain["x"]) // 2
            return float(plain["x"][mid]), float(plain["y"][mid])
        xs, ys = _densify(plain["x"], plain["y"], step=0.1)
        i = int(np.argmin([(x - lp[0]) ** 2 + (y - lp[1]) ** 2 for x, y in zip(xs, ys)]))
        return float(xs[i]), float(ys[i])
    return centroid(points)


def _densify(xs: list[float], ys: list[float], step: float = 0.25) -> tuple[list[float], list[float]]:
    """Return the line with extra points every ``step`` units so hovering anywhere along it works."""
    ox, oy = [xs[0]], [ys[0]]
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        n = max(1, int(np.hypot(x1 - x0, y1 - y0) / step))
        for k in range(1, n + 1):
            ox.append(round(x0 + (x1 - x0) * k / n, 3))
            oy.append(round(y0 + (y1 - y0) * k / n, 3))
    return ox, oy


def _dense_line(points: pd.DataFrame) -> tuple[list[float], list[float]]:
    """Return a line's points with extra ones every 0.25 units (see :func:`_densify`), built once per line."""
    return derived(points, "dense_line", lambda p: _densify(*coords(p)))


def _layout(fig: Figure, title: str, description: str, source_ids: Iterable[str], *,
            height: int = 560, equal: bool = True, notes: Iterable[dict] = ()) -> Figure:
    # annotations are set once: each add_annotation() call rebuilds all earlier ones
    fig.update_layout(
        annotations=list(fig.layout.annotations or ()) + list(notes),
        template=plotly_template(), font={"family": FONT_FAMILY, "size": 13}, height=height,
        title={"text": title, "x": 0.0, "xanchor": "left"},
        margin={"l": 10, "r": 10, "t": 60, "b": 10}, showlegend=True,
        legend={"orientation": "v", "x": 1.01, "y": 1.0, "font": {"size": 11}},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        meta={"description": description, "source_ids": list(unique_ids([tuple(source_ids)]))},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    if equal:
        fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig


def _label(notes: list[dict], text: str, at: tuple[float, float], anchor: tuple[float, float] | None = None,
           *, size: int = 11, bold: bool = False, xref: str = "x", yref: str = "y") -> None:
    """Append a label (with a leader line to ``anchor`` if given) to the figure's annotations."""
    text = f"<b>{text}</b>" if bold else text
    common = {"text": text, "font": {"size": size, "color": OKABE_ITO["black"]}, "xref": xref, "yref": yref,
              "bgcolor": "rgba(255,255,255,0.8)"}
    if anchor is None:
        notes.append(dict(x=at[0], y=at[1], showarrow=False, **common))
    else:
        notes.append(dict(x=anchor[0], y=anchor[1], ax=at[0], ay=at[1], axref=xref, ayref=yref,
                          showarrow=True, arrowhead=0, arrowwidth=1, arrowcolor=OKABE_ITO["grey"], **common))


# ---------------------------------------------------------------- compartments (lesson 01)

def short_compartment_name(tables: Tables, compartment_id: str) -> str:
    """Return a compartment's name without "of the leg" and other qualifiers, for labels."""
    name = structure_name(tables, "compartments", compartment_id)
    return name.split(" of the leg")[0]


def scheme_compartments(tables: Tables, scheme: str) -> tuple[str, ...]:
    """Return the compartment ids of the three- or four-compartment description; raises ValueError."""
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, not {scheme!r}")
    return derived(tables["compartments"], ("scheme", scheme),
                   lambda comp: tuple(c for c, s in zip(comp["compartment_id"], comp["schemes"]) if scheme in s))


def compartment_muscles(tables: Tables, compartment_id: str) -> pd.DataFrame:
    """Return the muscles (not their heads) in a compartment or in its sub-compartments."""
    def build() -> pd.DataFrame:
        comp = tables["compartments"]
        members = {compartment_id} | set(comp.loc[comp["parent_id"] == compartment_id, "compartment_id"])
        mus = tables["muscles"]
        return mus[mus["compartment_id"].isin(members) & mus["parent_id"].isna()]

    return derived_from(tables, ("compartments", "muscles"), ("compartment_muscles", compartment_id), build)


def compartment_details(tables: Tables, compartment_id: str) -> pd.DataFrame:
    """Return one row per fact about a compartment: its muscles, nerve, main artery and note, with sources."""
    return derived_from(tables, ("compartments", "muscles", "sources"), ("compartment_details", compartment_id),
                        lambda: _compartment_details(tables, compartment_id))


def _compartment_details(tables: Tables, compartment_id: str) -> pd.DataFrame:
    c = row(tables, "compartments", compartment_id)
    mus = compartment_muscles(tables, compartment_id)
    names = ", ".join(mus["name"])
    facts = [("Muscles", names, table_sources(mus)),
             ("Nerve", c["nerve"], tuple(c["source_ids"])),
             ("Main artery", "none named" if pd.isna(c["main_artery"]) else c["main_artery"], tuple(c["source_ids"])),
             ("Blood supply note", c["artery_note"], tuple(c["source_ids"]))]
    return pd.DataFrame({"what": [f[0] for f in facts], "fact": [str(f[1]) for f in facts],
                         "sources": [cite(tables, f[2]) for f in facts],
                         "source_ids": [tuple(f[2]) for f in facts]})


def containing_compartment(tables: Tables, structure_id: str, scheme: str = "four") -> str | None:
    """Return the id of the scheme's compartment whose drawn area contains a point structure, or None."""
    pts = shape(tables, CROSS_SECTION, structure_id)
    x, y = centroid(pts)
    for cid in scheme_compartments(tables, scheme):
        xs, ys = coords(shape(tables, CROSS_SECTION, cid, "compartments"))
        if point_in_polygon(x, y, xs, ys):
            return cid
    return None


def _in_scheme(tables: Tables, compartment_id: str, shown: tuple[str, ...]) -> tuple[str, ...]:
    """Return the compartments of a scheme that stand for ``compartment_id`` (itself, its parts or its parent)."""
    if compartment_id in shown:
        return (compartment_id,)
    comp = tables["compartments"]
    parts = tuple(c for c, p in zip(comp["compartment_id"], comp["parent_id"]) if p == compartment_id and c in shown)
    if parts:
        return parts
    parent = row(tables, "compartments", compartment_id)["parent_id"]
    return (parent,) if not is_blank(parent) and parent in shown else ()


def boundary_role(tables: Tables, boundary_id: str, scheme: str) -> tuple[bool, str]:
    """Return (is a wall between compartments of this scheme, sentence saying what it separates)."""
    b = row(tables, "boundaries", boundary_id)
    sep = b["separates"]
    if is_blank(sep):
        return True, "which encloses every compartment"
    shown = scheme_compartments(tables, scheme)
    sides = [_in_scheme(tables, c, shown) for c in sep]

    def short(ids):
        return " / ".join(short_compartment_name(tables, c).lower() for c in ids)

    names = [short(side) for side in sides]
    original = " and the ".join(short((c,)) for c in sep)
    if len(sides) == 2 and sides[0] and sides[0] == sides[1]:
        other = "four" if scheme == "three" else "three"
        return False, (f"lies inside the {names[0]} in this description; in the {other}-compartment "
                       f"description it is the wall between the {original}")
    return True, "wall between the " + " and the ".join(names)


def _boundary_note(tables: Tables, boundary_id: str, scheme: str) -> str:
    return boundary_role(tables, boundary_id, scheme)[1]


def _vessel_kind(tables: Tables, term_id: str) -> str:
    term = str(row(tables, "glossary", term_id)["term"]).lower()
    return "nerve" if "nerve" in term else "artery"


def cross_section_sources(tables: Tables) -> tuple[str, ...]:
    """Return every source id the cross-section can show (shapes and the rows they name)."""
    df = shapes(tables, CROSS_SECTION)
    ids = list(table_sources(df))
    for (table, sid) in df[["structure_table", "structure_id"]].drop_duplicates().itertuples(index=False):
        ids += structure_sources(tables, table, sid)
    for cid in tables["compartments"]["compartment_id"]:
        ids += table_sources(compartment_muscles(tables, cid))
    return unique_ids([tuple(ids)])


def describe_cross_section(tables: Tables, scheme: str = "four", highlight: str | None = None) -> str:
    """Return a text description of the cross-section for screen readers."""
    comps = scheme_compartments(tables, scheme)
    o = ORIENTATION[CROSS_SECTION]
    parts = [f"Schematic cross-section through the middle of the right leg, seen from above: {o['up']} is at "
             f"the top, {o['down']} at the bottom, {o['left']} on the left and {o['right']} on the right. "
             f"It shows the {len(comps)}-compartment description: "
             + ", ".join(short_compartment_name(tables, c).lower() for c in comps) + "."]
    parts.append("Walls: " + "; ".join(
        f"{structure_name(tables, 'boundaries', b)}, {_boundary_note(tables, b, scheme)}"
        for b in tables["boundaries"]["boundary_id"]) + ".")
    vessels = drawn_ids(tables, CROSS_SECTION, "glossary")
    parts.append("Nerves and vessels: " + "; ".join(
        f"{structure_name(tables, 'glossary', v)} in the "
        f"{short_compartment_name(tables, containing_compartment(tables, v, scheme)).lower()}"
        for v in vessels) + ".")
    if highlight is not None:
        det = compartment_details(tables, highlight)
        facts = "; ".join(f"{w.lower()}: {f}" for w, f in zip(det["what"], det["fact"]))
        parts.append(f"Highlighted: {structure_name(tables, 'compartments', highlight)} ({facts}).")
    return " ".join(parts)


def cross_section_figure(tables: Tables, scheme: str = "four", highlight: str | None = None) -> Figure:
    """Return the mid-leg cross-section for ``scheme`` ("three" or "four"), optionally highlighting a compartment.

    Hovering names each structure. Raises ValueError for an unknown scheme or a compartment
    not in the scheme.
    """
    comps = scheme_compartments(tables, scheme)
    if highlight is not None and highlight not in comps:
        raise ValueError(f"{highlight!r} is not a compartment of the {scheme}-compartment description {comps}")
    fig = new_figure()
    notes: list[dict] = []
    for cid in comps:
        pts = shape(tables, CROSS_SECTION, cid, "compartments")
        xs, ys = coords(pts, closed=True)
        st = compartment_style(cid)
        det = compartment_details(tables, cid)
        hover = f"<b>{structure_name(tables, 'compartments', cid)}</b><br>" + "<br>".join(
            f"{w}: {f}" for w, f in zip(det["what"][:3], det["fact"][:3]))
        faded = highlight is not None and cid != highlight
        fig.add_trace(scatter(
            x=xs, y=ys, mode="lines", fill="toself", fillcolor=st["color"], opacity=0.25 if faded else 0.75,
            fillpattern={"shape": st["pattern"], "fgcolor": OKABE_ITO["black"], "fgopacity": 0.35, "size": 8},
            line={"color": OKABE_ITO["black"], "width": 4 if cid == highlight else 0.5},
            name=structure_name(tables, "compartments", cid), legendgroup="compartments",
            legendgrouptitle={"text": "Compartments"}, hoveron="fills", hoverinfo="text", text=hover))
        lp = label_position(pts)
        if lp:
            inside = point_in_polygon(lp[0], lp[1], xs, ys)
            _label(notes, short_compartment_name(tables, cid), lp, None if inside else _anchor(pts),
                   size=13, bold=cid == highlight)
    for bid in ("tibia", "fibula"):
        pts = shape(tables, CROSS_SECTION, bid, "bones")
        xs, ys = coords(pts, closed=True)
        name = structure_name(tables, "bones", bid)
        fig.add_trace(scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=BONE_FILL,
                                 line={"color": OKABE_ITO["black"], "width": 1.5}, name=name,
                                 legendgroup="bones", legendgrouptitle={"text": "Bones"},
                                 hoveron="fills", hoverinfo="text", text=f"<b>{name}</b> (bone)"))
        _label(notes, name, label_position(pts), _anchor(pts), size=12)
    for bid in tables["boundaries"]["boundary_id"]:
        pts = shape(tables, CROSS_SECTION, bid, "boundaries")
        xs, ys = _dense_line(pts)
        name = structure_name(tables, "boundaries", bid)
        wall, note = boundary_role(tables, bid, scheme)
        inside = not wall
        fig.add_trace(scatter(
            x=xs, y=ys, mode="lines", name=name, legendgroup="walls", legendgrouptitle={"text": "Walls"},
            line={"color": OKABE_ITO["grey"] if inside else OKABE_ITO["black"],
                  "width": 1.5 if inside else 3, "dash": BOUNDARY_DASH.get(bid, "solid")},
            hoverinfo="text", text=f"<b>{name}</b><br>{note}"))
        _label(notes, name.replace(" of the leg", ""), label_position(pts), _anchor(pts), size=12)
    for vid in drawn_ids(tables, CROSS_SECTION, "glossary"):
        pts = shape(tables, CROSS_SECTION, vid, "glossary")
        kind = _vessel_kind(tables, vid)
        st = NERVE_STYLE if kind == "nerve" else ARTERY_STYLE
        name = structure_name(tables, "glossary", vid)
        where = containing_compartment(tables, vid, scheme)
        fig.add_trace(scatter(
            x=list(pts["x"]), y=list(pts["y"]), mode="markers", name=name,
            legendgroup=kind, legendgrouptitle={"text": "Nerves (◆)" if kind == "nerve" else "Arteries (●)"},
            marker={"symbol": st["symbol"], "size": 11, "color": st["color"],
                    "line": {"color": "white", "width": 1}},
            hoverinfo="text", text=f"<b>{name}</b> ({kind})<br>in the "
                                   f"{structure_name(tables, 'compartments', where).lower()}"))
        lp = label_position(pts)
        first = _plain_points(pts)
        at = (float(first["x"][0]), float(first["y"][0]))
        # a label close to its marker needs no leader line
        near = lp is not None and np.hypot(lp[0] - at[0], lp[1] - at[1]) < 0.8
        _label(notes, name, lp, None if near else _anchor(pts), size=12)
    title = f"Cross-section of the mid-leg: {scheme}-compartment description"
    if highlight:
        title += f"; {short_compartment_name(tables, highlight).lower()} highlighted"
    sources = list(table_sources(shapes(tables, CROSS_SECTION)))
    for cid in comps:
        sources += structure_sources(tables, "compartments", cid)
    return _layout(fig, title, describe_cross_section(tables, scheme, highlight), sources, height=720, notes=notes)


# ---------------------------------------------------------------- layers (lesson 02)

# Stops of the superficial-to-deep slider: (compartment, layer within it; None = the whole compartment).
# muscles.csv records each muscle's layer within its own compartment.
LAYER_STOPS = {"superficial": ("superficial_posterior", "superficial"),
               "intermediate": ("superficial_posterior", "intermediate"),
               "deep": ("superficial_posterior", "deep"),
               "deep posterior compartment": ("deep_posterior", None)}
LAYER_ORDER = tuple(LAYER_STOPS)
TENDON_SIZE = {True: 18, False: 13}


def layer_muscles(tables: Tables, layer: str) -> pd.DataFrame:
    """Return the posterior muscles at one stop of LAYER_ORDER (heads included); raises ValueError."""
    if layer not in LAYER_STOPS:
        raise ValueError(f"layer must be one of {LAYER_ORDER}, not {layer!r}")
    compartment, depth = LAYER_STOPS[layer]

    def build(mus: pd.DataFrame) -> pd.DataFrame:
        keep = mus["compartment_id"] == compartment
        if depth is not None:
            keep &= mus["layer"] == depth
        return mus[keep]

    return derived(tables["muscles"], ("layer_muscles", layer), build)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _at_mid_leg(joints) -> bool:
    """A deep posterior muscle reaches a mid-leg slice only if it runs down to the ankle."""
    return "ankle" in (joints or ())


def drawn_muscles(tables: Tables) -> tuple[str, ...]:
    """Return the muscles drawn in the cross-section, from superficial to deep (slider order)."""
    def build() -> tuple[str, ...]:
        drawn = set(drawn_ids(tables, CROSS_SECTION, "muscles"))
        return tuple(m for lay in LAYER_ORDER for m in layer_muscles(tables, lay)["muscle_id"] if m in drawn)

    return derived_from(tables, ("figure_shapes", "muscles"), "drawn_muscles", build)


def _stop_of(tables: Tables, muscle_id: str) -> str:
    stops = derived(tables["muscles"], "layer_stops", lambda _df: {
        m: lay for lay in reversed(LAYER_ORDER) for m in layer_muscles(tables, lay)["muscle_id"]})
    return stops[muscle_id]


def describe_layers(tables: Tables, layer: str) -> str:
    """Return a text description of the layers figure with ``layer`` highlighted."""
    mus = layer_muscles(tables, layer)
    drawn = drawn_muscles(tables)
    parents = set(tables["muscles"].set_index("muscle_id").loc[list(drawn), "parent_id"].dropna())
    names = dict(zip(tables["muscles"]["muscle_id"], tables["muscles"]["name"]))
    shown = [names[m] for m in mus["muscle_id"] if m in drawn]
    others = mus[~mus["muscle_id"].isin(drawn) & ~mus["muscle_id"].isin(parents)]
    here = [n for n, j in zip(others["name"], others["joints_crossed"]) if _at_mid_leg(j)]
    higher = [n for n, j in zip(others["name"], others["joints_crossed"]) if not _at_mid_leg(j)]
    text = (f"Cross-section through the middle of the right leg (anterior at the top, medial on the left) with "
            f"the muscles of the back of the leg. Layer highlighted: {layer}. "
            f"A layer means {_lower_first(row(tables, 'glossary', 'muscle_layer')['definition'])} ")
    if shown:
        text += "Drawn and labelled in this layer: " + "; ".join(shown) + ". "
    if here:
        text += ("In the deep posterior compartment (shaded; these muscles are not drawn one by one): "
                 + ", ".join(here) + ". ")
    if higher:
        text += (", ".join(higher) + " crosses only the knee, so it lies higher up, behind the knee, "
                 "and this mid-leg slice does not cut it. ")
    return text + "From the skin inwards, the drawn calf muscles and their layers: " + "; ".join(
        f"{names[m]} ({_stop_of(tables, m)})" for m in drawn) + "."


def layers_figure(tables: Tables, layer: str = "superficial") -> Figure:
    """Return the cross-section with the posterior muscles of ``layer`` highlighted; raises ValueError."""
    lit_ids = set(layer_muscles(tables, layer)["muscle_id"])  # raises ValueError for an unknown layer
    deep_stop = LAYER_STOPS[layer][1] is None
    fig = new_figure()
    notes: list[dict] = []
    for cid in scheme_compartments(tables, "four"):
        pts = shape(tables, CROSS_SECTION, cid, "compartments")
        xs, ys = coords(pts, closed=True)
        lit = deep_stop and cid == LAYER_STOPS[layer][0]
        name = structure_name(tables, "compartments", cid)
        fig.add_trace(scatter(
            x=xs, y=ys, mode="lines", fill="toself", name=name, legendgroup="compartments",
            legendgrouptitle={"text": "Compartments"},
            fillcolor=compartment_style(cid)["color"] if lit else "#F2F2F2", opacity=0.8 if lit else 0.6,
            fillpattern={"shape": compartment_style(cid)["pattern"], "fgopacity": 0.3} if lit else None,
            line={"color": OKABE_ITO["black"], "width": 3 if lit else 0.5},
            hoveron="fills", hoverinfo="text", text=f"<b>{name}</b>"))
        if lit:
            deep = layer_muscles(tables, layer)
            here = [n for n, j in zip(deep["name"], deep["joints_crossed"]) if _at_mid_leg(j)]
            _label(notes, "Deep muscles at this level:<br>" + ",<br>".join(here), label_position(pts), size=11)
    for bid in ("tibia", "fibula"):
        pts = shape(tables, CROSS_SECTION, bid, "bones")
        xs, ys = coords(pts, closed=True)
        fig.add_trace(scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=BONE_FILL,
                                 line={"color": OKABE_ITO["black"], "width": 1.5},
                                 name=structure_name(tables, "bones", bid), legendgroup="bones",
                                 legendgrouptitle={"text": "Bones"}, hoveron="fills", hoverinfo="text",
                                 text=structure_name(tables, "bones", bid)))
    pts = shape(tables, CROSS_SECTION, "transverse_intermuscular_septum", "boundaries")
    xs, ys = _dense_line(pts)
    septum = structure_name(tables, "boundaries", "transverse_intermuscular_septum")
    fig.add_trace(scatter(x=xs, y=ys, mode="lines", name=septum, hoverinfo="text", text=septum,
                             line={"color": OKABE_ITO["black"], "width": 2.5, "dash": "dashdot"}))
    drawn = drawn_ids(tables, CROSS_SECTION, "muscles")
    # areas first, then the thin tendons on top so they stay visible
    drawn = sorted(drawn, key=lambda m: _plain_points(shape(tables, CROSS_SECTION, m, "muscles"))["kind"] == "point")
    for mid in drawn:
        r = row(tables, "muscles", mid)
        pts = shape(tables, CROSS_SECTION, mid, "muscles")
        st = muscle_style(mid)
        lit = mid in lit_ids
        stop = _stop_of(tables, mid)
        hover = f"<b>{r['name']}</b><br>layer: {stop}"
        tendon = _plain_points(pts)["kind"] == "point"
        if tendon:
            xs, ys = coords(pts)
            fig.add_trace(scatter(
                x=xs, y=ys, mode="markers", name=f"{r['name']} (tendon)",
                legendgroup="muscles", legendgrouptitle={"text": "Calf muscles"},
                marker={"symbol": st["symbol"], "size": TENDON_SIZE[lit], "color": st["color"] if lit else "white",
                        "line": {"color": OKABE_ITO["black"], "width": 2}},
                hoverinfo="text", text=hover + "<br>(its thin tendon at this level, between gastrocnemius and soleus)"
                if stop == "intermediate" else hover + "<br>(its thin tendon at this level)"))
        else:
            xs, ys = coords(pts, closed=True)
            fig.add_trace(scatter(
                x=xs, y=ys, mode="lines", fill="toself", name=r["name"], legendgroup="muscles",
                legendgrouptitle={"text": "Calf muscles"},
                fillcolor=st["color"] if lit else "white", opacity=0.85 if lit else 0.5,
                fillpattern={"shape": st["pattern"], "fgcolor": OKABE_ITO["black"], "fgopacity": 0.4, "size": 9},
                line={"color": OKABE_ITO["black"], "width": 3 if lit else 0.8, "dash": st["dash"]},
                hoveron="fills", hoverinfo="text", text=hover))
        lp = label_position(pts)
        if lp:
            _label(notes, str(r["name"]) + (" (tendon)" if tendon else ""), lp,
                   _anchor(pts) if tendon else None, size=12, bold=lit)
    return _layout(fig, f"Layers of the back of the leg: {layer} highlighted",
                   describe_layers(tables, layer), layers_sources(tables, layer), height=640, notes=notes)


def layers_sources(tables: Tables, layer: str) -> tuple[str, ...]:
    """Return the source ids the layers figure cites: the drawing, the muscles drawn or lit, the term "layer"."""
    mus = tables["muscles"]
    drawn = set(drawn_ids(tables, CROSS_SECTION, "muscles"))
    lit = set(layer_muscles(tables, layer)["muscle_id"])
    ids = list(table_sources(shapes(tables, CROSS_SECTION))) + list(table_sources(mus[mus["muscle_id"].isin(drawn | lit)]))
    ids += list(row(tables, "glossary", "muscle_layer")["source_ids"])
    return unique_ids([tuple(ids)])


# ---------------------------------------------------------------- bones and attachments (lesson 03)

def attachments_of(tables: Tables, muscle_id: str) -> pd.DataFrame:
    """Return a muscle's rows of attachments.csv (empty for a muscle with none recorded)."""
    att = tables["attachments"]
    return att[att["muscle_id"] == muscle_id]


def attachment_muscles(tables: Tables) -> tuple[str, ...]:
    """Return the muscles with attachments drawn in the bones view, in muscles.csv order."""
    bones_view = shapes(tables, BONES_VIEW)
    drawn = set(bones_view.loc[bones_view["kind"] == "line_of_pull", "structure_id"])
    att = set(tables["attachments"]["muscle_id"])
    return tuple(m for m in tables["muscles"]["muscle_id"] if m in drawn and m in att)


def describe_bones(tables: Tables, muscle_id: str | None = None, marker: str | None = None) -> str:
    """Return a text description of the bones view (with a muscle's attachments, or a marked landmark)."""
    o = ORIENTATION[BONES_VIEW]
    bones = _bone_order(drawn_ids(tables, BONES_VIEW, "bones"))
    text = (f"Schematic posterior view of the right lower femur, tibia, fibula, talus and calcaneus: "
            f"{o['up']} is at the top, {o['left']} on the left and {o['right']} on the right. Bones: "
            + ", ".join(structure_name(tables, "bones", b) for b in bones) + ".")
    if marker is not None:
        return text + (" One landmark is marked with a star and a large question mark; the other landmarks "
                       "are not named.")
    if muscle_id is None:
        lms = drawn_ids(tables, BONES_VIEW, "landmarks")
        text += " Landmarks named: " + "; ".join(
            f"{structure_name(tables, 'landmarks', lm)} ({_on(tables, lm)})" for lm in lms) + "."
    else:
        text += " The landmarks are named in the drawing."
        name = structure_name(tables, "muscles", muscle_id)
        att = attachments_of(tables, muscle_id)
        for end in ("proximal", "distal"):
            rows = att[att["end"] == end]
            text += (f" {name}, {end} attachment{'s' if len(rows) > 1 else ''} highlighted: "
                     + "; ".join(f"{structure_name(tables, 'landmarks', lm)}" for lm in rows["landmark_id"]) + ".")
        text += (f" A {DASH_WORDS.get(muscle_style(muscle_id)['dash'], muscle_style(muscle_id)['dash'])} line "
                 f"shows its line of pull from its proximal to its distal attachment. {_distal_route(tables, muscle_id)}")
    return text


DASH_WORDS = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dash-dot",
              "longdash": "long-dashed", "longdashdot": "long-dash-dot"}


def _distal_route(tables: Tables, muscle_id: str) -> str:
    """Return how the muscle reaches its distal attachment, from attachments.csv."""
    att = attachments_of(tables, muscle_id)
    return " ".join(str(d) for d in att.loc[att["end"] == "distal", "description"])


def _on(tables: Tables, landmark_id: str) -> str:
    where = _landmark_bone(tables, landmark_id)
    return where if where.startswith("a ") else f"on the {where}"


def _landmark_bone(tables: Tables, landmark_id: str) -> str:
    lm = row(tables, "landmarks", landmark_id)
    if is_blank(lm["bone_id"]):
        return f"a {lm['kind'].replace('_', ' ')}, not on a bone"
    return structure_name(tables, "bones", lm["bone_id"]).lower()


def _bone_order(bone_ids: Iterable[str]) -> list[str]:
    """Return bone ids from proximal to distal as listed in bones.csv (the drawing order)."""
    return sorted(bone_ids, key=lambda b: BONE_DRAW_ORDER.index(b) if b in BONE_DRAW_ORDER else len(BONE_DRAW_ORDER))


def bones_figure(tables: Tables, muscle_id: str | None = None, *, marker: str | None = None) -> Figure:
    """Return the posterior view of the leg bones with landmarks.

    ``muscle_id`` highlights that muscle's attachments (one trace per row of attachments.csv)
    and draws its line of pull. ``marker`` instead hides the landmark names and puts a "?"
    on that landmark (for label-the-figure questions). Raises KeyError for an unknown id.
    """
    if muscle_id is not None:
        row(tables, "muscles", muscle_id)
    if marker is not None:
        row(tables, "landmarks", marker)
    fig = new_figure()
    notes: list[dict] = []
    # the talus goes first so the malleoli of the leg bones are drawn over it
    for bid in sorted(_bone_order(drawn_ids(tables, BONES_VIEW, "bones")),
                      key=lambda b: b != "talus"):
        pts = shape(tables, BONES_VIEW, bid, "bones")
        xs, ys = coords(pts, closed=True)
        name = structure_name(tables, "bones", bid)
        # in a label question the bones carry no hover text, which would give the answer away
        fig.add_trace(scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=BONE_FILL, name=name,
                                 line={"color": OKABE_ITO["black"], "width": 1.5}, showlegend=False,
                                 hoveron="fills", hoverinfo="skip" if marker is not None else "text",
                                 text=None if marker is not None else f"<b>{name}</b> (bone)"))
        if marker is None:
            _label(notes, name, label_position(pts), size=12, bold=True)
    for lm in drawn_ids(tables, BONES_VIEW, "landmarks"):
        pts = shape(tables, BONES_VIEW, lm, "landmarks")
        kind = _plain_points(pts)["kind"]
        name = structure_name(tables, "landmarks", lm)
        hover = "<b>?</b>" if marker is not None else f"<b>{name}</b><br>{_on(tables, lm)}"
        common = {"name": "landmark" if marker is not None else name, "hoverinfo": "text", "text": hover,
                  "showlegend": False}
        tendon = lm == "calcaneal_tendon"
        if kind == "area":
            xs, ys = coords(pts, closed=True)
            fig.add_trace(scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor="rgba(0,0,0,0.04)",
                                     line={"color": OKABE_ITO["grey"], "width": 1, "dash": "dot"},
                                     hoveron="fills+points", **common))
        elif kind == "line":
            xs, ys = _dense_line(pts)
            fig.add_trace(scatter(x=xs, y=ys, mode="lines",
                                     line={"color": OKABE_ITO["black"], "width": 6 if tendon else 2.5,
                                           "dash": "solid" if tendon else "dot"}, opacity=0.5 if tendon else 1,
                                     **common))
        else:
            fig.add_trace(scatter(x=list(pts["x"]), y=list(pts["y"]), mode="markers",
                                     marker={"symbol": "x-thin", "size": 9, "color": OKABE_ITO["black"],
                                             "line": {"width": 2}}, **common))
        lp = label_position(pts)
        if marker is None and lp:
            _label(notes, name, lp, _anchor(pts), size=10)
        if marker == lm:
            ax, ay = _anchor(pts)
            fig.add_trace(scatter(x=[ax], y=[ay], mode="markers+text", text=["?"], textposition="middle right",
                                     textfont={"size": 26, "color": OKABE_ITO["vermillion"]},
                                     marker={"symbol": "star", "size": 20, "color": OKABE_ITO["vermillion"],
                                             "line": {"color": OKABE_ITO["black"], "width": 1}},
                                     name="the landmark asked about", hoverinfo="text",
                                     hovertext="the landmark asked about"))
    title = "Back of the right leg bones: landmarks"
    if muscle_id is not None and marker is None:
        name = structure_name(tables, "muscles", muscle_id)
        st = muscle_style(muscle_id)
        att = attachments_of(tables, muscle_id)
        for a in att.to_dict("records"):
            pts = shape(tables, BONES_VIEW, a["attachment_id"], "attachments")
            xs, ys = coords(pts, closed=True)
            fig.add_trace(scatter(
                x=xs, y=ys, mode="lines", fill="toself", fillcolor=st["color"], opacity=0.9,
                fillpattern={"shape": st["pattern"], "fgcolor": OKABE_ITO["black"], "fgopacity": 0.5, "size": 6},
                line={"color": OKABE_ITO["black"], "width": 1.5},
                name=f"{a['end']}: {structure_name(tables, 'landmarks', a['landmark_id'])}",
                legendgroup="attachments", legendgrouptitle={"text": f"{name}: attachments"},
                hoveron="fills+points", hoverinfo="text",
                text=f"<b>{name}, {a['end']} attachment</b><br>{a['description']}<br>"
                     f"{cite(tables, a['source_ids'])}", meta=a["attachment_id"]))
        pull = shape(tables, BONES_VIEW, muscle_id, "muscles")
        xs, ys = coords(pull)
        fig.add_trace(scatter(
            x=xs, y=ys, mode="lines+markers", name=f"{name}: line of pull",
            line={"color": st["color"], "width": 4, "dash": st["dash"]},
            marker={"symbol": st["symbol"], "size": [12] + [0] * (len(xs) - 2) + [12],
                    "color": st["color"], "line": {"color": OKABE_ITO["black"], "width": 1}},
            hoverinfo="text", text=f"<b>{name}</b>: line of pull<br>{_distal_route(tables, muscle_id)}"))
        title = f"Back of the right leg bones: {name.lower()} attachments and line of pull"
    elif marker is not None:
        title = "Which landmark is marked “?”"
    shown = muscle_id if marker is None else None
    _layout(fig, title, describe_bones(tables, shown, marker), bones_sources(tables, shown),
            height=820, equal=False, notes=notes)
    # a schematic: the long bones are shortened a little (y scaled 0.75) so the drawing fits a screen
    fig.update_xaxes(range=list(BONES_X_RANGE))
    fig.update_yaxes(range=list(BONES_Y_RANGE), scaleanchor="x", scaleratio=BONES_Y_SCALE)
    fig.update_layout(legend={"x": 0.72, "y": 0.98, "bgcolor": "rgba(255,255,255,0.9)"})
    return fig


def bones_sources(tables: Tables, muscle_id: str | None = None) -> tuple[str, ...]:
    """Return the source ids the bones view cites: its bones and landmarks, and a muscle's attachments and pull."""
    df = shapes(tables, BONES_VIEW)
    ids = list(table_sources(df[df["structure_table"].isin(["bones", "landmarks"])]))
    if muscle_id is not None:
        for group in attachments_of(tables, muscle_id)["source_ids"]:
            ids += list(group)
        ids += list(table_sources(shape(tables, BONES_VIEW, muscle_id, "muscles")))
    return unique_ids([tuple(ids)])


def label_question_figure(tables: Tables, question_id: str) -> Figure:
    """Return the bones view with the landmark a label question asks about marked "?".

    Raises KeyError for an unknown question and ValueError if it is not a label question on this figure.
    """
    qs = tables["questions"]
    q = qs[qs["question_id"] == question_id]
    if q.empty:
        raise KeyError(f"{question_id!r} is not in questions.csv")
    q = q.iloc[0]
    if q["type"] != "label" or q["figure"] != BONES_VIEW:
        raise ValueError(f"{question_id!r} is not a label question on {BONES_VIEW!r}")
    opts = tables["question_options"]
    right = opts[(opts["question_id"] == question_id) & opts["correct"].fillna(False).astype(bool)]
    return bones_figure(tables, marker=str(right.iloc[0]["match"]))


# ---------------------------------------------------------------- directional terms (lesson 00)

DIRECTION_TERMS = ("proximal", "distal", "medial", "lateral", "anterior", "posterior", "superficial", "deep")


def direction_arrows(tables: Tables) -> list[dict]:
    """Return the arrows of the directional-terms figure: term, panel, start and end point.

    Up/down/left/right arrows follow ORIENTATION. Superficial and deep share one line, from the
    deep posterior compartment out to the skin at the back of the leg: superficial points out, deep in.
    """
    out = []
    for panel, figure in (("bones", BONES_VIEW), ("section", CROSS_SECTION)):
        df = shapes(tables, figure)
        cx, cy = float(df["x"].mean()), float(df["y"].mean())
        w = float(df["x"].max() - df["x"].min())
        h = float(df["y"].max() - df["y"].min())
        vec = {"up": (0, 0.3 * h), "down": (0, -0.3 * h), "left": (-0.45 * w, 0), "right": (0.45 * w, 0)}
        for side, term in ORIENTATION[figure].items():
            dx, dy = vec[side]
            out.append({"term": term, "panel": panel, "x0": cx, "y0": cy, "x1": cx + dx, "y1": cy + dy})
    # superficial and deep: one line between the deep posterior compartment and the skin (back-medial edge)
    fas = shape(tables, CROSS_SECTION, "crural_fascia", "boundaries")
    deep_x, deep_y = centroid(shape(tables, CROSS_SECTION, "deep_posterior", "compartments"))
    skin = fas.loc[(fas["x"] + fas["y"]).idxmin()]
    sx, sy = float(skin["x"]), float(skin["y"])
    ix, iy = deep_x + 0.2 * (sx - deep_x), deep_y + 0.2 * (sy - deep_y)  # keep clear of the centre arrows
    out.append({"term": "superficial", "panel": "section", "x0": ix, "y0": iy, "x1": sx, "y1": sy})
    out.append({"term": "deep", "panel": "section", "x0": sx, "y0": sy, "x1": ix, "y1": iy})
    return out


def describe_directions(tables: Tables, term: str | None = None) -> str:
    """Return a text description of the directional-terms figure."""
    a, b = ORIENTATION[BONES_VIEW], ORIENTATION[CROSS_SECTION]
    text = (f"Two drawings side by side. Left: the bones of the right leg seen from behind, with arrows up "
            f"({a['up']}), down ({a['down']}), left ({a['left']}) and right ({a['right']}). Right: a cross-section "
            f"of the leg seen from above, with arrows up ({b['up']}), down ({b['down']}), left ({b['left']}) and "
            f"right ({b['right']}), plus one double-headed diagonal arrow between the deep middle of the leg and the "
            f"skin at the back: its outer end is superficial, its inner end deep. The leg bones are labelled in both "
            f"drawings.")
    if term is not None:
        d = row(tables, "glossary", term)
        text += f" Highlighted: {term}, {d['definition']}"
    return text


def directions_figure(tables: Tables, term: str | None = None) -> Figure:
    """Return the two-panel directional-terms figure, with ``term``'s arrows highlighted; raises ValueError."""
    if term is not None and term not in DIRECTION_TERMS:
        raise ValueError(f"term must be one of {DIRECTION_TERMS}, not {term!r}")
    fig = side_by_side((0.45, 0.55), 0.06, ("Back of the leg (posterior view)", "Cross-section (seen from above)"))
    notes: list[dict] = []
    for col, figure, ids in ((1, BONES_VIEW, ("femur", "tibia", "fibula", "talus", "calcaneus")),
                             (2, CROSS_SECTION, ("tibia", "fibula"))):
        if col == 2:
            xs, ys = coords(shape(tables, CROSS_SECTION, "crural_fascia", "boundaries"))
            fig.add_trace(scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor="#FBEBD0",
                                     line={"color": OKABE_ITO["black"], "width": 2}, hoverinfo="text",
                                     text=structure_name(tables, "boundaries", "crural_fascia"),
                                     showlegend=False), row=1, col=2)
        for bid in ids:
            pts = shape(tables, figure, bid, "bones")
            xs, ys = coords(pts, closed=True)
            fig.add_trace(scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=BONE_FILL,
                                     line={"color": OKABE_ITO["black"], "width": 1.2}, hoverinfo="text",
                                     text=structure_name(tables, "bones", bid), showlegend=False), row=1, col=col)
            axis = "" if col == 1 else "2"
            name = structure_name(tables, "bones", bid)
            if bid == "calcaneus":
                name += f" ({str(row(tables, 'glossary', 'calcaneus_term')['definition']).rstrip('.').lower()})"
            _bx, by = centroid(pts)
            gap = 0.6 if col == 1 else 0.2
            left = bid == "tibia"  # the medial bone is labelled on its medial (left) side
            notes.append(dict(x=float(pts["x"].min()) - gap if left else float(pts["x"].max()) + gap, y=by,
                               xref=f"x{axis}", yref=f"y{axis}", text=name, showarrow=False,
                               xanchor="right" if left else "left", font={"size": 12, "color": OKABE_ITO["black"]},
                               bgcolor="rgba(255,255,255,0.7)"))
    fas = shape(tables, CROSS_SECTION, "crural_fascia", "boundaries")
    low = fas.loc[fas["y"].idxmin()]
    notes.append(dict(x=float(low["x"]), y=float(low["y"]), xref="x2", yref="y2", text="skin (outer surface)",
                       showarrow=False, yshift=-14, font={"size": 12, "color": OKABE_ITO["black"]}))
    sources = list(row(tables, "glossary", "calcaneus_term")["source_ids"])
    for arrow in direction_arrows(tables):
        lit = term is None or arrow["term"] == term
        axis = "" if arrow["panel"] == "bones" else "2"
        color = OKABE_ITO["blue"] if term is not None and lit else (OKABE_ITO["black"] if lit else "#BBBBBB")
        notes.append(dict(x=arrow["x1"], y=arrow["y1"], ax=arrow["x0"], ay=arrow["y0"],
                           xref=f"x{axis}", yref=f"y{axis}", axref=f"x{axis}", ayref=f"y{axis}",
                           showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=4 if term == arrow["term"] else 2,
                           arrowcolor=color, text=""))
        notes.append(dict(x=arrow["x1"], y=arrow["y1"], xref=f"x{axis}", yref=f"y{axis}",
                           text=f"<b>{arrow['term']}</b>" if arrow["term"] == term else arrow["term"],
                           showarrow=False, bgcolor="rgba(255,255,255,0.85)",
                           font={"size": 15 if arrow["term"] == term else 12, "color": color},
                           yshift=12 if arrow["y1"] >= arrow["y0"] else -12))
    for t in DIRECTION_TERMS:
        sources += list(row(tables, "glossary", t)["source_ids"])
    # only the shapes this figure draws (the bones, the outline of the leg and the deep posterior centre)
    for figure, ids in ((BONES_VIEW, ("femur", "tibia", "fibula", "talus", "calcaneus")),
                        (CROSS_SECTION, ("tibia", "fibula", "crural_fascia", "deep_posterior"))):
        for sid in ids:
            sources += list(table_sources(shape(tables, figure, sid)))
    title = "Directional terms" + (f": {term}" if term else "")
    _layout(fig, title, describe_directions(tables, term), sources, height=620, equal=False, notes=notes)
    fig.update_layout(showlegend=False)
    fig.update_yaxes(scaleanchor="x", scaleratio=1, row=1, col=1)
    fig.update_yaxes(scaleanchor="x2", scaleratio=1, row=1, col=2)
    return fig


# ---------------------------------------------------------------- plantaris variation (lesson 02)

def study_rates(tables: Tables) -> pd.DataFrame:
    """Return the plantaris studies with a display label and low/high absence percentages."""
    st = tables["plantaris_studies"].copy()
    labels = dict(zip(tables["sources"]["source_id"], tables["sources"]["short"]))
    st["label"] = [f"{labels[s]} ({m.replace('_', ' ')}{'' if pd.isna(n) else f', {int(n)} {u}'})"
                   for s, m, n, u in zip(st["source_id"], st["method"], st["limbs_examined"], st["sample_unit"])]
    return st[["study_id", "source_id", "label", "absence_percent_low", "absence_percent_high"]]


def absence_range(tables: Tables) -> tuple[float, float]:
    """Return the lowest and highest absence percentages the cited studies report."""
    st = tables["plantaris_studies"]
    return float(st["absence_percent_low"].min()), float(st["absence_percent_high"].max())


def simulate_class(n_students: int, absence_percent: float, seed: int = 1) -> dict:
    """Return a simulated class: each student's leg lacks plantaris with probability absence_percent/100.

    The result holds n_students, absence_percent, seed, absent (simulated count) and expected
    (n_students x rate). The same seed gives the same class. Raises ValueError for bad input.
    """
    if int(n_students) != n_students or n_students < 1:
        raise ValueError(f"n_students must be a whole number of at least 1, not {n_students!r}")
    if not 0 <= absence_percent <= 100:
        raise ValueError(f"absence_percent must be between 0 and 100, not {absence_percent!r}")
    rng = np.random.default_rng(seed)
    absent = int((rng.random(int(n_students)) < absence_percent / 100).sum())
    return {"n_students": int(n_students), "absence_percent": float(absence_percent), "seed": int(seed),
            "absent": absent, "expected": n_students * absence_percent / 100}


def describe_plantaris(tables: Tables, result: Mapping) -> str:
    """Return a text description of the plantaris simulation figure."""
    n, p = result["n_students"], result["absence_percent"]
    text = (f"Class of {n} students, one leg each, absence rate set to {p:g}% (class number {result['seed']}). "
            f"Simulated: {result['absent']} without plantaris; expected on average: {result['expected']:.1f}. "
            f"What each study's figure would predict for {n} students: ")
    parts = []
    for s in study_rates(tables).to_dict("records"):
        lo, hi = s["absence_percent_low"], s["absence_percent_high"]
        if lo == hi:
            parts.append(f"{s['label']}: {lo:g}% gives {n * lo / 100:.1f}")
        else:
            parts.append(f"{s['label']}: {lo:g}–{hi:g}% gives {n * lo / 100:.1f} to {n * hi / 100:.1f}")
    return text + "; ".join(parts) + "."


def plantaris_figure(tables: Tables, result: Mapping) -> Figure:
    """Return a dot plot: simulated and expected counts for the class, and each study's figure as a count."""
    n = result["n_students"]
    st = study_rates(tables)
    fig = new_figure()
    ys = list(st["label"])
    lo = [n * v / 100 for v in st["absence_percent_low"]]
    hi = [n * v / 100 for v in st["absence_percent_high"]]
    ranged = [a != b for a, b in zip(lo, hi)]
    for y, a, b, r in zip(ys, lo, hi, ranged):
        if r:
            fig.add_trace(scatter(x=[a, b], y=[y, y], mode="lines", line={"color": OKABE_ITO["grey"], "width": 8},
                                     showlegend=False, hoverinfo="text",
                                     text=f"{y}: {a:.1f} to {b:.1f} of {n}"))
    px, py, pt = [], [], []
    for y, a, b in zip(ys, lo, hi):
        for v in ((a,) if a == b else (a, b)):
            px.append(v)
            py.append(y)
            pt.append(f"{y}<br>{v:.1f} of {n} students" + ("" if a == b else f" (range {a:.1f} to {b:.1f})"))
    fig.add_trace(scatter(x=px, y=py, mode="markers", name="each study's figure (a range: bar between two squares)",
                             marker={"symbol": "square", "size": 11, "color": OKABE_ITO["blue"]},
                             hoverinfo="text", text=pt))
    you = "your simulated class"
    fig.add_trace(scatter(
        x=[result["absent"]], y=[you], mode="markers+text", name=f"simulated: {result['absent']} of {n}",
        marker={"symbol": "diamond", "size": 18, "color": OKABE_ITO["vermillion"],
                "line": {"color": OKABE_ITO["black"], "width": 1}},
        text=[f"  {result['absent']}"], textposition="middle right", hoverinfo="text",
        hovertext=f"simulated: {result['absent']} of {n}"))
    fig.add_trace(scatter(x=[result["expected"]] * 2, y=[you, ys[0]], mode="lines",
                             line={"dash": "dash", "color": OKABE_ITO["black"], "width": 2},
                             name=f"expected at {result['absence_percent']:g}%: {result['expected']:.1f}",
                             hoverinfo="text", text=f"expected on average: {result['expected']:.1f} of {n}"))
    sources = list(table_sources(tables["plantaris_studies"]))
    _layout(fig, f"Plantaris absent: {n} students at {result['absence_percent']:g}%",
            describe_plantaris(tables, result), sources, height=460, equal=False)
    fig.update_layout(showlegend=True, legend={"orientation": "h", "x": 0, "y": -0.2},
                      margin={"l": 10, "r": 20, "t": 70, "b": 60})
    fig.update_xaxes(visible=True, title={"text": "students without plantaris"},
                     range=[-0.04 * max(hi + [result["absent"], 1]), max(max(hi), result["absent"], result["expected"]) * 1.15 + 1])
    fig.update_yaxes(visible=True, categoryorder="array", categoryarray=[you] + ys[::-1], autorange="reversed")
    return fig
