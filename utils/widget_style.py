"""Layouts and styles shared by the course's widgets.

Every ipywidgets control otherwise brings its own Layout and style, and each of them is
one more model the kernel sends to the browser: a quiz card sent over twenty. Widgets
whose look is set once, when they are made, share one Layout or style per distinct
setting instead. Nothing in the course changes a widget's layout or style afterwards;
code that needs to should give that widget its own.
"""

from __future__ import annotations

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

_SHARED: dict[tuple, widgets.Widget] = {}
STYLES = {"button": widgets.ButtonStyle, "checkbox": CheckboxStyle, "description": DescriptionStyle,
          "html": HTMLStyle, "text": TextStyle}


def _shared(cls: type, props: dict) -> widgets.Widget:
    key = (cls, tuple(sorted(props.items())))
    model = _SHARED.get(key)
    if model is None or model.comm is None:  # first use, or the model was closed
        model = _SHARED[key] = cls(**props)
    return model


def layout(**props) -> widgets.Layout:
    """Return the shared Layout with these properties (created on first use)."""
    return _shared(widgets.Layout, props)


def style(kind: str, **props) -> widgets.Widget:
    """Return the shared style of ``kind`` (a key of STYLES) with these properties; raises KeyError."""
    return _shared(STYLES[kind], props)


def html(value: str = "") -> widgets.HTML:
    """Return an HTML widget with the shared default layout and style."""
    return widgets.HTML(value, layout=layout(), style=style("html"))
