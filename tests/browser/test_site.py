"""`make site`: the static HTML course opens from disk with no server and no internet.

Uses build/site/ when it is newer than everything it is built from (run `make site` first to
save time), otherwise builds the site into a temporary folder. Every page is opened in
Debian's Chromium through file:// with every other request aborted: its plotly figures must
be drawn, no widget may be left "Loading", and nothing may be requested from the internet.
Links between pages, the single copy of plotly.js and the size limit are checked on the files.
"""

import html.parser
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from scripts import build_site
from tests.browser import harness

pytestmark = pytest.mark.browser

PAGE_FILES = ["index.html"] + [p.with_suffix(".html").name for p in build_site.lesson_notebooks()]
PLOTLY_BANNER = "plotly.js v"  # opening comment of the plotly.js bundle


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Return the folder of a site built from the current sources."""
    if build_site.is_current(build_site.SITE_DIR):
        return build_site.SITE_DIR
    out = tmp_path_factory.mktemp("site") / "site"
    # In its own process: the build runs asyncio, and Playwright's sync API may own this thread's loop.
    subprocess.run([sys.executable, "-m", "scripts.build_site", "--out", str(out)],
                   cwd=build_site.ROOT, check=True, timeout=900)
    return out


@pytest.fixture(scope="module")
def manifest(site):
    return json.loads((site / build_site.MANIFEST).read_text(encoding="utf-8"))


class _Links(html.parser.HTMLParser):
    """Collects the ids and the link targets (href, src) of one page."""

    def __init__(self):
        super().__init__()
        self.ids, self.targets = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.targets.append(attrs[name])


def _parse(path):
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_site_is_small_and_ships_plotly_once(site):
    assert build_site.site_bytes(site) < build_site.MAX_SITE_BYTES
    bundles = [p.relative_to(site) for p in site.rglob("*")
               if p.is_file() and p.suffix in (".js", ".html") and PLOTLY_BANNER in p.read_text(errors="ignore")[:2000]]
    assert bundles == [Path(build_site.ASSETS) / "plotly.min.js"]


def test_every_lesson_has_a_page_with_a_link_to_binder(site, manifest):
    assert [p["notebook"] for p in manifest["pages"]] == [p.name for p in build_site.lesson_notebooks()]
    for page in manifest["pages"]:
        text = (site / page["file"]).read_text(encoding="utf-8")
        url = build_site.binder_url(page["notebook"])
        assert url.startswith(f"https://mybinder.org/v2/gh/{build_site.REPO_SLUG}/HEAD?urlpath=lab/tree/notebooks/")
        assert f'href="{url}"' in text, f"{page['file']}: no Binder link"


def test_no_broken_links_between_pages(site):
    pages = sorted(site.glob("*.html"))
    parsed = {p.name: _parse(p) for p in pages}
    broken = []
    for name, page in parsed.items():
        for target in page.targets:
            parts = urllib.parse.urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("data:"):
                continue
            path = urllib.parse.unquote(parts.path)
            file = (site / path).resolve() if path else site / name
            if not file.is_file():
                broken.append(f"{name}: {target} (no such file)")
            elif parts.fragment and file.suffix == ".html":
                ids = parsed[file.name].ids if file.name in parsed else _parse(file).ids
                if parts.fragment not in ids:
                    broken.append(f"{name}: {target} (no element with that id)")
    assert broken == []


def test_knowledge_checks_have_revealable_answers(site, manifest):
    for page in manifest["pages"]:
        text = (site / page["file"]).read_text(encoding="utf-8")
        assert text.count("<summary>Answer</summary>") >= page["quizzes"], page["file"]
        assert "application/vnd.jupyter.widget-view+json" not in text, page["file"]


@pytest.mark.parametrize("page_file", PAGE_FILES)
def test_page_draws_offline(site, manifest, page_file, browser_context):
    expected = {p["file"]: p["figures"] for p in manifest["pages"]}.get(page_file, 0)
    blocked, errors = [], []
    # The session's shared Chromium: Playwright's sync API allows one driver per thread.
    page = browser_context.new_page()
    try:
        page.set_viewport_size(harness.VIEWPORT)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        def route(r):
            if r.request.url.startswith(("file://", "data:", "blob:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto((site / page_file).as_uri(), wait_until="load")
        page.wait_for_function(
            """(n) => { const plots = [...document.querySelectorAll('.js-plotly-plot')];
                 return plots.length >= n && plots.every(p => p.querySelector('svg.main-svg')); }""",
            arg=expected, timeout=60_000)
        drawn = page.locator(".js-plotly-plot svg.main-svg").count()
        text = page.inner_text("body")
        outputs = page.eval_on_selector_all(".jp-OutputArea-output", "els => els.map(e => e.innerText.trim())")
        if expected:
            # The figures are interactive: plotly's toolbar (zoom, pan, reset) is there.
            assert page.locator(".js-plotly-plot .modebar-container").count() >= 1
    finally:
        page.close()
    assert drawn >= expected
    assert [o for o in outputs if o.startswith("Loading widget")] == []
    assert "Launch live" in text
    assert blocked == [], f"requests to the internet: {blocked}"
    assert errors == [], errors
