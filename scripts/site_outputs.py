"""Turn the outputs of an executed notebook into HTML that works with no kernel and no internet.

Used by `scripts/build_site.py`. Plotly figures (the `application/vnd.plotly.v1+json` output
that `fig.show()` sends) become a `<div>` drawn by the one copy of plotly.js the site ships.
Widgets keep their `text/html` representation when they have one (the quizzes do); other
widgets are drawn from the widget state saved by nbclient: an `Output` widget shows the
outputs it held, boxes show their children, controls show their label and value.
"""

from __future__ import annotations

import html
import json

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
FIGURE_HEIGHT = "480px"
FIGURE_CONFIG = {"displaylogo": False, "responsive": True}

# Widget models whose children are other widgets.
_BOX_MODELS = {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel", "AccordionModel",
               "TabModel", "StackModel"}
_TEXT_MODELS = {"HTMLModel", "HTMLMathModel", "LabelModel"}


def figure_html(figure: dict, div_id: str) -> str:
    """Return a `<div>` and `<script>` drawing the plotly `figure` (a dict) with a page-wide plotly.js."""
    import plotly.io as pio

    return pio.to_html(figure, config=FIGURE_CONFIG, include_plotlyjs=False, full_html=False,
                       default_width="100%", default_height=FIGURE_HEIGHT, validate=False,
                       div_id=div_id)


class StaticOutputs:
    """Rewrites one executed notebook's outputs in place (see the module docstring).

    `page_id` makes figure ids unique on a page. `note` is HTML shown under a widget drawn
    from its saved state (e.g. how to get the live version). Counts what it converted in
    `figures`, `widgets` and `quizzes`.
    """

    def __init__(self, nb, page_id: str, note: str = ""):
        self.nb = nb
        self.page_id = page_id
        self.note = note
        state = nb.metadata.get("widgets", {}).get(WIDGET_STATE_MIME, {}).get("state", {})
        self.widget_state = state
        self.figures = 0
        self.widgets = 0
        self.quizzes = 0

    def _next_figure_id(self) -> str:
        self.figures += 1
        return f"{self.page_id}-figure-{self.figures}"

    def convert(self):
        """Rewrite every code cell's outputs; drop the saved widget state; return the notebook."""
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = [self._output(out) for out in cell.get("outputs", [])]
        self.nb.metadata.pop("widgets", None)
        return self.nb

    def _output(self, out):
        data = out.get("data")
        if out.get("output_type") not in ("display_data", "execute_result") or not data:
            return out
        if WIDGET_VIEW_MIME in data:
            self.widgets += 1
            if "text/html" in data:
                if "course-quiz" in data["text/html"]:
                    self.quizzes += 1
                out["data"] = {"text/html": data["text/html"]}
            else:
                model_id = data[WIDGET_VIEW_MIME].get("model_id")
                body = self._widget_html(model_id, depth=0)
                out["data"] = {"text/html": f'<div class="course-static-widget">{body}{self.note}</div>'}
            return out
        if PLOTLY_MIME in data:
            out["data"] = {"text/html": figure_html(data[PLOTLY_MIME], self._next_figure_id())}
        return out

    def _outputs_html(self, outputs) -> str:
        parts = []
        for raw in outputs:
            out = self._output(json.loads(json.dumps(raw)))
            data = out.get("data") or {}
            if out.get("output_type") == "stream":
                if out.get("name") == "stdout":
                    parts.append(f"<pre>{html.escape(out.get('text', ''))}</pre>")
            elif "text/html" in data:
                parts.append(_joined(data["text/html"]))
            elif "image/png" in data:
                parts.append(f'<img alt="" src="data:image/png;base64,{_joined(data["image/png"]).strip()}">')
            elif "image/svg+xml" in data:
                parts.append(_joined(data["image/svg+xml"]))
            elif "text/markdown" in data:
                parts.append(f"<pre>{html.escape(_joined(data['text/markdown']))}</pre>")
            elif "text/plain" in data:
                parts.append(f"<pre>{html.escape(_joined(data['text/plain']))}</pre>")
        return "".join(parts)

    def _widget_html(self, model_id, depth: int) -> str:
        """Return static HTML for the widget `model_id` and its children (empty if unknown)."""
        if not model_id or depth > 20:
            return ""
        entry = self.widget_state.get(_model_ref(model_id))
        if not entry:
            return ""
        name = entry.get("model_name", "")
        state = entry.get("state", {})
        if name == "OutputModel":
            return f'<div class="course-static-output">{self._outputs_html(state.get("outputs", []))}</div>'
        if name in _BOX_MODELS:
            inner = "".join(self._widget_html(child, depth + 1) for child in state.get("children", []))
            tag = "course-static-row" if name == "HBoxModel" else "course-static-box"
            return f'<div class="{tag}">{inner}</div>'
        if name in _TEXT_MODELS:
            value = state.get("value", "")
            return value if name != "LabelModel" else html.escape(value)
        if name == "ButtonModel":
            return ""
        if "value" in state or "index" in state:
            return _control_html(state)
        return ""


def _model_ref(value) -> str:
    """Return the model id in a widget reference ("IPY_MODEL_<id>" or a bare id)."""
    text = str(value)
    return text[len("IPY_MODEL_"):] if text.startswith("IPY_MODEL_") else text


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _control_html(state: dict) -> str:
    """Return a one-line description of a control's label and current value."""
    label = state.get("description") or ""
    value = state.get("value")
    labels = state.get("_options_labels")
    if value is None and labels is not None and state.get("index") is not None:
        index = state["index"]
        if isinstance(index, int) and 0 <= index < len(labels):
            value = labels[index]
        elif isinstance(index, list):
            value = ", ".join(labels[i] for i in index if 0 <= i < len(labels))
    if isinstance(value, (list, tuple)):
        value = " to ".join(str(v) for v in value)
    shown = "—" if value in (None, "") else str(value)
    prefix = f"{html.escape(label)}: " if label else ""
    return f'<p class="course-static-control">{prefix}<strong>{html.escape(shown)}</strong></p>'
