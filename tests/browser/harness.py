"""Drive a real JupyterLab in Debian's Chromium: shared by the browser tests and benchmarks.

Nothing here imports pytest. `LabServer` runs `jupyter lab` on a throw-away copy of the
notebooks; `open_browser` starts Chromium through Playwright; `LessonPage` opens one
notebook, runs it and reads back what the learner would see.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
OVERRIDES_JSON = REPO_ROOT / "jupyter-config" / "lab" / "overrides.json"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_MISSING = (
    "Chromium not found: install Debian's chromium (apt-get install chromium) "
    "to run the browser tests"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
VIEWPORT = {"width": 1400, "height": 900}
# How often (ms) the page is checked while waiting; "raf" (every frame) is kept for timings.
POLL_MS = 100
# Tallest screenshot taken of a notebook (pixels), so a long lesson stays one readable image.
MAX_SCREENSHOT_HEIGHT = 16000


def chromium_path():
    """Return the Chromium executable to use (env CHROMIUM_PATH or Debian's), or None if absent."""
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def notebooks_dir():
    """Return the folder of lessons to serve: env BROWSER_NOTEBOOKS, else the repository's notebooks/."""
    return Path(os.environ.get("BROWSER_NOTEBOOKS") or NOTEBOOKS_DIR)


def lesson_notebooks(folder=None):
    """Return the lesson notebooks (`*.ipynb` directly in `folder`, default `notebooks_dir()`), sorted."""
    return sorted(Path(folder or notebooks_dir()).glob("*.ipynb"))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    """A `jupyter lab` process serving a temporary copy of the folder `notebooks`.

    Settings, workspaces, runtime files, IPython profile and learner progress all live in
    a temporary folder removed by `stop()`; the course `overrides.json` is applied as the
    application settings. Raises RuntimeError if the server does not answer in time.
    """

    def __init__(self, notebooks=NOTEBOOKS_DIR, overrides=OVERRIDES_JSON, timeout=60):
        self.tmp = Path(tempfile.mkdtemp(prefix="course-lab-"))
        self.root_dir = self.tmp / "notebooks"
        shutil.copytree(
            notebooks, self.root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
        app_settings = self.tmp / "app-settings"
        app_settings.mkdir()
        shutil.copyfile(overrides, app_settings / "overrides.json")
        self.port = _free_port()
        self.token = os.urandom(24).hex()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp / "server.log"
        self._shutdowns = []
        env = dict(os.environ)
        for name in ("settings", "workspaces", "runtime", "config", "ipython", "progress"):
            (self.tmp / name).mkdir()
        env.update(
            JUPYTERLAB_SETTINGS_DIR=str(self.tmp / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.tmp / "workspaces"),
            JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"),
            JUPYTER_CONFIG_DIR=str(self.tmp / "config"),
            IPYTHONDIR=str(self.tmp / "ipython"),
            COURSE_PROGRESS_PATH=str(self.tmp / "progress" / "progress.json"),
        )
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={self.port}",
            "--port-retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabApp.app_settings_dir={app_settings}",
        ]  # fmt: skip
        if hasattr(os, "getuid") and os.getuid() == 0:
            cmd.append("--allow-root")
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            cmd, env=env, stdout=self._log, stderr=subprocess.STDOUT, cwd=self.tmp
        )
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise RuntimeError(f"jupyter lab did not answer /api/status in {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=40):
        """Return the last `lines` lines of the server's log."""
        self._log.flush()
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def api(self, method, path, timeout=10):
        """Call the server's REST API with the token; return the decoded JSON (or None)."""
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_url(self, notebook_name):
        """Return the URL opening `notebook_name` in a reset workspace, token included."""
        quoted = urllib.parse.quote(notebook_name)
        return f"{self.base_url}/lab/tree/{quoted}?reset&token={self.token}"

    def sessions_for(self, notebook_name):
        """Return the server's sessions whose path is `notebook_name`."""
        return [s for s in self.api("GET", "/api/sessions") if s.get("path") == notebook_name]

    def shutdown_kernels(self, notebook_name, wait=False):
        """Delete every session (and so its kernel) opened on `notebook_name`.

        By default the deletion runs in a background thread that `stop()` joins.
        """
        if not wait:
            thread = threading.Thread(target=self._shutdown_quietly, args=(notebook_name,))
            thread.start()
            self._shutdowns.append(thread)
            return
        for session in self.sessions_for(notebook_name):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def _shutdown_quietly(self, notebook_name):
        try:
            self.shutdown_kernels(notebook_name, wait=True)
        except (OSError, urllib.error.URLError):
            pass  # the server shuts down every kernel left when it stops

    def stop(self):
        """Stop the server (gracefully, then by force) and remove the temporary folder."""
        for thread in self._shutdowns:
            thread.join()
        if self.process.poll() is None:
            try:
                self.api("POST", "/api/shutdown", timeout=5)
            except (OSError, urllib.error.URLError):
                self.process.terminate()
        end_server(self.process, self._log, self.tmp)


def end_server(process, log, tmp):
    """Stop ``process`` (terminate, then kill after 15 s), close its log and remove ``tmp``."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log.close()
    shutil.rmtree(tmp, ignore_errors=True)


def open_browser(playwright, executable):
    """Launch Chromium at `executable` through Playwright (headless) and return the Browser."""
    return playwright.chromium.launch(
        executable_path=executable, args=CHROMIUM_ARGS, headless=True
    )


# Runs in the page before JupyterLab: records every dialog title and toast text that appears.
# It looks five times a second rather than on every DOM change: plotly redraws change the DOM
# thousands of times, and a query on each change would slow down the very page being measured.
# Dialogs stay until answered and toasts for several seconds, so none is missed.
_RECORDER_JS = """
(() => {
  window.__course = {dialogs: [], toasts: []};
  const seen = new WeakSet();
  const watched = [
    ['dialogs', '.jp-Dialog-header, .jp-Dialog-content'],
    ['toasts', '.Toastify__toast, .jp-Notification-Toast'],
  ];
  const scan = () => {
    for (const [list, selector] of watched) {
      for (const el of document.querySelectorAll(selector)) {
        if (!seen.has(el)) { seen.add(el); window.__course[list].push(el.innerText.trim()); }
      }
    }
  };
  window.__course.scan = scan;
  setInterval(scan, 200);
})();
"""

# What is still unfinished in the open notebook, as a list of reasons (empty once it has
# settled): a cell showing `[*]` or never run, a plotly figure not drawn, a widget loading.
_PENDING_JS = """
() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return ['no notebook on the page'];
  const pending = [];
  [...nb.querySelectorAll('.jp-CodeCell')].forEach((cell, i) => {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    const text = prompt ? prompt.textContent.trim() : '';
    const src = cell.querySelector('.jp-InputArea-editor');
    const empty = src && src.textContent.trim() === '';
    if (text.includes('*')) pending.push(`code cell ${i + 1} still running (${text})`);
    else if (!empty && !/\\[\\d+\\]/.test(text))
      pending.push(`code cell ${i + 1} not run (${text || 'no prompt'})`);
  });
  const undrawn = [...nb.querySelectorAll('.js-plotly-plot')].filter(p => !p.querySelector('svg.main-svg'));
  if (undrawn.length) pending.push(`${undrawn.length} plotly figure(s) without svg.main-svg`);
  const loading = [...nb.querySelectorAll('.jp-OutputArea-output')]
    .filter(o => o.textContent.includes('Loading widget'));
  if (loading.length) pending.push(`${loading.length} output(s) still show "Loading widget"`);
  return pending;
}
"""
_SETTLED_JS = "() => (" + _PENDING_JS + ")().length === 0"

# Everything the assertions need, read in one pass.
_REPORT_JS = """
() => {
  if (window.__course) window.__course.scan();
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const outs = nb ? [...nb.querySelectorAll('.jp-OutputArea-output')] : [];
  const plots = nb ? [...nb.querySelectorAll('.js-plotly-plot')] : [];
  const stderr = outs.filter(o => o.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr');
  const prompts = nb ? [...nb.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
    .map(p => p.innerText.trim()) : [];
  return {
    notebookFound: !!nb,
    codeCells: prompts.length,
    prompts,
    plots: plots.length,
    plotsUndrawn: plots.filter(p => !p.querySelector('svg.main-svg')).length,
    widgets: nb ? nb.querySelectorAll('.jp-OutputArea-output .jupyter-widgets').length : 0,
    stderr: stderr.map(o => o.innerText.slice(0, 2000)),
    outputText: outs.map(o => o.innerText).join('\\n'),
    openNotebooks: document.querySelectorAll('.jp-NotebookPanel').length,
    kernelName: (document.querySelector('.jp-KernelName') || {}).innerText || null,
    dialogs: window.__course ? window.__course.dialogs : [],
    toasts: window.__course ? window.__course.toasts : [],
  };
}
"""

# A fingerprint of what `.course-probe-output` shows: its text plus each plotly figure's data
# and layout (plotly's generated `uid`s left out, so a redraw of the same figure is no change).
_PROBE_STATE_JS = """
(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const skip = (k, v) => (k === 'uid' || k === '_context' || k.startsWith('_')) ? undefined
      : (ArrayBuffer.isView(v) ? Array.from(v) : v);
  const plots = [...el.querySelectorAll('.js-plotly-plot')];
  return {
    drawn: plots.every(p => p.querySelector('svg.main-svg')),
    plots: plots.length,
    fingerprint: el.innerText + '\\u0000'
        + plots.map(p => JSON.stringify([p.data, p.layout], skip)).join('\\u0000')
        + (plots.length ? '' : el.innerHTML),
  };
}
"""


class LessonPage:
    """One browser page showing one notebook, with everything it did recorded.

    Records console errors, uncaught page errors, requests to hosts other than this machine
    (aborted), and the bytes the server sent over websockets.
    """

    def __init__(self, context, server, notebook_name):
        self.server = server
        self.name = notebook_name
        self.console_errors = []
        self.page_errors = []
        self.blocked_requests = []
        self.ws_bytes = 0
        self.page = context.new_page()
        self.page.set_default_timeout(30_000)
        self.page.add_init_script(_RECORDER_JS)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        self.page.on("websocket", self._on_websocket)
        self.page.route("**/*", self._route)

    def _on_console(self, message):
        if message.type == "error":
            location = message.location or {}
            self.console_errors.append(f"{message.text} ({location.get('url', '')})")

    def _on_websocket(self, websocket):
        websocket.on("framereceived", self._count_frame)

    def _count_frame(self, payload):
        self.ws_bytes += len(payload.encode("utf-8") if isinstance(payload, str) else payload)

    def _route(self, route):
        host = urllib.parse.urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked_requests.append(route.request.url)
            route.abort()

    def open(self, timeout=60_000):
        """Load JupyterLab on the notebook and wait until its kernel is idle."""
        self.page.set_viewport_size(VIEWPORT)
        self.page.goto(self.server.lab_url(self.name), wait_until="domcontentloaded")
        self.page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=timeout)
        self.wait_kernel_idle(timeout)

    def open_dialogs(self):
        """Return the text of every JupyterLab dialog now open on the page."""
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.jp-Dialog')].map(d => d.innerText.trim())"
        )

    def wait_kernel_idle(self, timeout=60_000):
        """Wait until the server reports this notebook's kernel idle.

        Raises RuntimeError as soon as a dialog (such as "Select Kernel") blocks the notebook,
        TimeoutError if the kernel is not idle in time.
        """
        deadline = time.monotonic() + timeout / 1000
        while time.monotonic() < deadline:
            dialogs = self.open_dialogs()
            if dialogs:
                raise RuntimeError(f"{self.name}: a dialog blocks the notebook: {dialogs}")
            sessions = self.server.sessions_for(self.name)
            if sessions and all(
                (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions
            ):
                return
            self.page.wait_for_timeout(100)  # not time.sleep: the page's event handlers must keep running
        raise TimeoutError(f"{self.name}: kernel not idle after {timeout / 1000:.0f} s")

    def now(self):
        """Return the page's clock, performance.now(), in ms."""
        return self.page.evaluate("() => performance.now()")

    def run_all(self):
        """Run every cell through the menu Run → Run All Cells; return the page clock (ms) at the click."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        item = self.page.locator(".lm-Menu-item:not(.lm-mod-disabled)").filter(
            has=self.page.locator(".lm-Menu-itemLabel", has_text="Run All Cells")
        ).first
        item.wait_for()
        started = self.now()
        item.click()
        return started

    def pending(self):
        """Return what is still unfinished on the page (see `_PENDING_JS`); empty when settled."""
        return self.page.evaluate(_PENDING_JS)

    def wait_settled(self, timeout=120_000, polling=POLL_MS):
        """Wait until every cell has run and every figure and widget is drawn.

        `polling` is "raf" (every frame, for timing) or a period in ms. Returns the page clock
        (ms) when the page was first seen settled. Raises TimeoutError listing what was unfinished.
        """
        try:
            settled = self.page.wait_for_function(
                f"() => ({_SETTLED_JS})() && performance.now()", polling=polling, timeout=timeout
            ).json_value()
            self.wait_kernel_idle(timeout)
            self.page.wait_for_function(_SETTLED_JS, polling=POLL_MS, timeout=timeout)
            return settled
        except PlaywrightTimeoutError:
            raise TimeoutError(
                f"{self.name}: not finished after {timeout / 1000:.0f} s: " + "; ".join(self.pending())
            ) from None

    def report(self):
        """Return a dict describing the notebook as drawn (see `_REPORT_JS`)."""
        return self.page.evaluate(_REPORT_JS)

    def probe_state(self, selector=".course-probe-output"):
        """Return the fingerprint of the element matching `selector`, or None if absent."""
        return self.page.evaluate(_PROBE_STATE_JS, selector)

    def mark_keydown(self):
        """From now on, record the page clock of every key press in `window.__course.keyAt`."""
        self.page.evaluate(
            """() => document.addEventListener('keydown',
                   () => { window.__course.keyAt = performance.now(); }, {capture: true})"""
        )

    def last_keydown(self):
        """Return the page clock (ms) of the last key press recorded by `mark_keydown`."""
        return self.page.evaluate("() => window.__course.keyAt")

    def probe_kind(self):
        """Return what `.course-probe` is: slider, select, toggle, radio, checkbox, text, button, or None."""
        return self.page.evaluate(
            """() => {
              const el = document.querySelector('.course-probe');
              if (!el) return null;
              const has = (s) => el.matches(s) || el.querySelector(s);
              if (has('.noUi-handle, input[type=range]')) return 'slider';
              if (has('select')) return 'select';
              if (has('.widget-toggle-button')) return 'toggle';
              if (has('input[type=radio]')) return 'radio';
              if (has('input[type=checkbox]')) return 'checkbox';
              if (has('input[type=text], input[type=number], input:not([type]), textarea')) return 'text';
              if (has('button')) return 'button';
              return 'unknown';
            }"""
        )

    def _slider_handle(self):
        probe = self.page.locator(".course-probe").first
        probe.scroll_into_view_if_needed()
        return probe.locator(".noUi-handle, input[type=range]").first

    def focus_slider(self):
        """Scroll the `.course-probe` slider into view and focus its handle, as a learner's click does.

        Focusing a widget makes its cell JupyterLab's active cell, and the page redraws its
        notebook toolbar and cell marks: a key press timed from then on measures the slider alone.
        """
        self._slider_handle().focus()

    def act_on_probe(self, kind, step=0):
        """Change `.course-probe` once as a learner would; `step` picks direction or option."""
        probe = self.page.locator(".course-probe").first
        probe.scroll_into_view_if_needed()
        if kind == "slider":
            handle = self._slider_handle()
            handle.focus()
            key = "ArrowRight" if step % 2 == 0 else "ArrowLeft"
            if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax"):
                key = "ArrowLeft"
            elif handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemin"):
                key = "ArrowRight"
            handle.press(key)
        elif kind == "select":
            select = probe.locator("select").first
            values = select.evaluate("s => [...s.options].map(o => o.value)")
            current = select.input_value()
            others = [v for v in values if v != current]
            select.select_option(others[step % len(others)])
        elif kind == "radio":
            options = probe.locator("input[type=radio]")
            unchecked = [i for i in range(options.count()) if not options.nth(i).is_checked()]
            options.nth(unchecked[step % len(unchecked)]).click()
        elif kind == "toggle":
            choices = probe.locator(".widget-toggle-button:not(.mod-active)")
            choices.nth(step % choices.count()).click()
        elif kind == "checkbox":
            probe.locator("input[type=checkbox]").first.click()
        elif kind == "text":
            field = probe.locator(
                "input[type=text], input[type=number], input:not([type]), textarea"
            ).first
            field.fill(str(step + 2))
            field.press("Enter")
        elif kind == "button":
            (probe if probe.evaluate("e => e.matches('button')") else probe.locator("button").first).click()
        else:
            raise ValueError(f"{self.name}: no way to act on a .course-probe of kind {kind!r}")

    def wait_probe_stable(self, quiet_ms=500, timeout=10_000):
        """Wait until `.course-probe-output` stays the same for `quiet_ms`; return its state.

        Returns None if there is no such element. Raises RuntimeError if it keeps changing
        on its own for `timeout` ms (then a change seen after acting would prove nothing).
        """
        deadline = time.monotonic() + timeout / 1000
        state = self.probe_state()
        while state is not None and time.monotonic() < deadline:
            self.page.wait_for_timeout(quiet_ms)
            again = self.probe_state()
            if again is not None and again == state and again["drawn"]:
                return again
            state = again
        if state is None:
            return None
        raise RuntimeError(f"{self.name}: course-probe-output keeps changing with no input")

    def wait_probe_changed(self, before, timeout=15_000, polling=POLL_MS):
        """Wait until `.course-probe-output` differs from `before` and is drawn.

        `before` is a `probe_state()` (or just its "fingerprint"); a state with fewer plotly
        figures than `before` (an output cleared before redrawing) does not count as the change.

        `polling` is "raf" (every frame, for timing) or a period in ms. Returns the page's
        clock (performance.now(), ms) when the change was seen.
        Raises TimeoutError if it did not change in time.
        """
        if isinstance(before, str):
            before = {"fingerprint": before, "plots": 0}
        try:
            handle = self.page.wait_for_function(
                """([js, before]) => {
                  const state = (new Function('return (' + js + ')'))()('.course-probe-output');
                  return state && state.drawn && state.plots >= before.plots
                    && state.fingerprint !== before.fingerprint ? performance.now() : false;
                }""",
                arg=[_PROBE_STATE_JS, before],
                polling=polling,
                timeout=timeout,
            )
        except PlaywrightTimeoutError:
            raise TimeoutError(f"{self.name}: course-probe-output unchanged after {timeout} ms") from None
        return handle.json_value()

    def watch_probe_draws(self):
        """Record in the page the clock of every redraw of the figures in `.course-probe-output`.

        Listens for plotly's `plotly_afterplot` event, which plotly.js emits once it has drawn a
        figure, so timing a redraw needs no polling of the page while it draws. Returns how
        many figures are watched.
        """
        return self.page.evaluate(
            """() => {
              const plots = [...document.querySelectorAll('.course-probe-output .js-plotly-plot')];
              for (const plot of plots) {
                if (plot.__courseWatched || typeof plot.on !== 'function') continue;
                plot.__courseWatched = true;
                plot.on('plotly_afterplot', () => { window.__course.drawnAt = performance.now(); });
              }
              return plots.filter(p => p.__courseWatched).length;
            }"""
        )

    def wait_probe_drawn(self, timeout=15_000):
        """Wait until a watched figure (see `watch_probe_draws`) is drawn after the last key press.

        Returns the page clock (ms) at which plotly.js finished drawing it. Raises TimeoutError
        if no watched figure is drawn in time.
        """
        try:
            handle = self.page.wait_for_function(
                """() => {
                  const c = window.__course;
                  return c.drawnAt !== undefined && c.keyAt !== undefined && c.drawnAt > c.keyAt
                    ? c.drawnAt : false;
                }""",
                polling=POLL_MS,
                timeout=timeout,
            )
        except PlaywrightTimeoutError:
            raise TimeoutError(f"{self.name}: no figure in course-probe-output drawn after {timeout} ms") from None
        return handle.json_value()

    def answer_quiz(self, timeout=15_000):
        """Pick an option in the first `.course-quiz`, press its Check button; return feedback text.

        Returns None when the lesson has no quiz. Raises TimeoutError if no feedback appears.
        """
        quiz = self.page.locator(".course-quiz").first
        if self.page.locator(".course-quiz").count() == 0:
            return None
        quiz.scroll_into_view_if_needed()
        feedback = quiz.locator(".course-quiz-feedback").first
        if quiz.locator(".course-quiz-feedback").count() == 0:
            feedback = self.page.locator(".course-quiz-feedback").first
        before = feedback.inner_text()
        if quiz.locator("input[type=radio]").count():
            quiz.locator("input[type=radio]").first.click()
        elif quiz.locator("input[type=checkbox]").count():
            quiz.locator("input[type=checkbox]").first.click()
        elif quiz.locator("select").count():
            select = quiz.locator("select").first
            values = select.evaluate("s => [...s.options].map(o => o.value)")
            select.select_option(values[-1])
        elif quiz.locator(".widget-toggle-buttons button").count():
            quiz.locator(".widget-toggle-buttons button").first.click()
        buttons = quiz.locator("button:not(.widget-toggle-button)")
        check = buttons.filter(has_text="Check")
        (check if check.count() else buttons).first.click()
        try:
            self.page.wait_for_function(
                """([el, before]) => el.innerText.trim() !== '' && el.innerText !== before""",
                arg=[feedback.element_handle(), before],
                timeout=timeout,
            )
        except PlaywrightTimeoutError:
            raise TimeoutError(f"{self.name}: no quiz feedback after {timeout} ms") from None
        return feedback.inner_text().strip()

    def screenshot(self, path):
        """Save one image of the whole notebook (viewport stretched to its height) to `path`."""
        height = self.page.evaluate(
            """() => {
              const panel = '.jp-NotebookPanel:not(.lm-mod-hidden)';
              const nb = document.querySelector(`${panel} .jp-WindowedPanel-outer`)
                || document.querySelector(`${panel} .jp-Notebook`);
              return nb ? nb.scrollHeight - nb.clientHeight + window.innerHeight : window.innerHeight;
            }"""
        )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        height = min(max(height, VIEWPORT["height"]), MAX_SCREENSHOT_HEIGHT)
        self.page.set_viewport_size({"width": VIEWPORT["width"], "height": height})
        self.page.evaluate(
            """() => document.querySelectorAll('.jp-NotebookPanel .jp-WindowedPanel-outer')
                 .forEach(el => { el.scrollTop = 0; })"""
        )
        self.page.wait_for_timeout(300)
        self.page.wait_for_function(_SETTLED_JS, polling=POLL_MS, timeout=15_000)
        self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size(VIEWPORT)

    def close(self):
        """Close the page, then shut down the notebook's kernel on the server (in the background)."""
        self.page.close()
        self.server.shutdown_kernels(self.name)
