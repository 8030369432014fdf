"""One colour-blind-safe look for every figure in the course.

Colours are the Okabe-Ito palette. Each muscle keeps its colour in every
lesson and also has a line dash and marker symbol, so no figure relies on
colour alone.
"""

from __future__ import annotations

# Okabe & Ito (2008), "Color Universal Design"; safe for the common colour-vision deficiencies.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

MUSCLE_STYLE = {
    "gastrocnemius": {"color": OKABE_ITO["blue"], "dash": "solid", "symbol": "circle", "pattern": "/"},
    "gastrocnemius_medial": {"color": OKABE_ITO["blue"], "dash": "solid", "symbol": "circle", "pattern": "/"},
    "gastrocnemius_lateral": {"color": OKABE_ITO["sky_blue"], "dash": "dash", "symbol": "square", "pattern": "\\"},
    "soleus": {"color": OKABE_ITO["vermillion"], "dash": "dot", "symbol": "diamond", "pattern": "x"},
    "plantaris": {"color": OKABE_ITO["bluish_green"], "dash": "dashdot", "symbol": "triangle-up", "pattern": "."},
    "tibialis_anterior": {"color": OKABE_ITO["reddish_purple"], "dash": "longdash", "symbol": "cross", "pattern": "-"},
}
_FALLBACK = {"color": OKABE_ITO["grey"], "dash": "solid", "symbol": "circle-open", "pattern": ""}

COMPARTMENT_STYLE = {
    "anterior": {"color": OKABE_ITO["reddish_purple"], "pattern": "-"},
    "lateral": {"color": OKABE_ITO["bluish_green"], "pattern": "|"},
    "posterior": {"color": OKABE_ITO["orange"], "pattern": "/"},
    "superficial_posterior": {"color": OKABE_ITO["orange"], "pattern": "/"},
    "deep_posterior": {"color": OKABE_ITO["yellow"], "pattern": "x"},
}

FONT_FAMILY = "Arial, Helvetica, sans-serif"
TEMPLATE = "plotly_white"


def muscle_style(muscle_id: str) -> dict[str, str]:
    """Return the colour, dash, marker symbol and fill pattern used for ``muscle_id`` everywhere."""
    return dict(MUSCLE_STYLE.get(muscle_id, _FALLBACK))


def compartment_style(compartment_id: str) -> dict[str, str]:
    """Return the colour and fill pattern used for ``compartment_id`` everywhere."""
    return dict(COMPARTMENT_STYLE.get(compartment_id, {"color": OKABE_ITO["grey"], "pattern": ""}))
