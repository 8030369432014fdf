"""Build the static HTML version of the course into build/site/ (`make site`).

Each lesson notebook runs on a fresh kernel (nbclient; learner progress goes to a
temporary file), then becomes one page with no code: its text, its plotly figures (drawn
by one shared copy of plotly.js in assets/, so zoom and hover work without a kernel), its
knowledge checks as text with the answer in a closed "Answer" box, and a static view of
the other widgets. Every page links to the previous and next lesson and to the live
version on Binder. The site opens from disk (file://) and requests nothing from the
internet.

    python -m scripts.build_site [--out build/site] [--jobs N]
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
SITE_DIR = ROOT / "build" / "site"
TEMPLATES_DIR = ROOT / "share" / "jupyter" / "nbconvert" / "templates"
TEMPLATE_NAME = "course-site"
ASSETS = "assets"
MANIFEST = "manifest.json"
# The repository on GitHub that Binder builds, as "owner/name": the one place it is written.
REPO_SLUG = "posterior-leg-course/posterior-leg-course"
BINDER_URL = "https://mybinder.org/v2/gh/{slug}/HEAD?urlpath=lab/tree/notebooks/{notebook}"
SOURCE_URL = "https://github.com/{slug}/blob/HEAD/{path}"
COURSE_TITLE = "The posterior compartment of the leg"
MAX_SITE_BYTES = 10_000_000
EXECUTE_TIMEOUT = 300  # seconds a cell may run
_HREF = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"]*)"')


@dataclass
class Page:
    """One built page: its file, the notebook it comes from, and what it holds."""

    file: str
    notebook: str
    title: str
    binder_url: str
    figures: int = 0
    widgets: int = 0
    quizzes: int = 0
    bytes: int = 0
    seconds: float = 0.0


def binder_url(notebook_name: str) -> str:
    """Return the Binder address that opens `notebook_name` (a file in notebooks/) in JupyterLab."""
    return BINDER_URL.format(slug=REPO_SLUG, notebook=urllib.parse.quote(notebook_name))


def source_url(repo_path: str) -> str:
    """Return the GitHub address of `repo_path` (a path from the repository's root)."""
    return SOURCE_URL.format(slug=REPO_SLUG, path=urllib.parse.quote(repo_path))


def lesson_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Return the lesson notebooks (`*.ipynb` directly in `folder`), sorted by name."""
    return sorted(Path(folder).glob("*.ipynb"))


async def execute_notebook(path: Path, workdir: Path, progress_path: Path, limit) -> tuple:
    """Run the notebook at `path` on a fresh kernel in `workdir`; return (notebook, seconds).

    `limit` is an asyncio.Semaphore bounding how many kernels run at once. Widget state is
    kept (the site draws widgets from it). Raises nbclient's CellExecutionError, naming the
    cell, if a cell fails.
    """
    import nbformat

    from scripts.notebook_runner import new_client

    async with limit:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        env = dict(os.environ, COURSE_PROGRESS_PATH=str(progress_path))
        client = new_client(nb, timeout=EXECUTE_TIMEOUT, store_widget_state=True, allow_errors=False)
        await client.async_execute(cwd=str(workdir), env=env)
        return nb, time.perf_counter() - start


async def execute_all(paths: list[Path], workdir: Path, progress_path: Path, jobs: int) -> list[tuple]:
    """Run every notebook in `paths` (at most `jobs` kernels at once); return (notebook, seconds) each."""
    import asyncio

    limit = asyncio.Semaphore(jobs)
    return await asyncio.gather(*(execute_notebook(p, workdir, progress_path, limit) for p in paths))


def lesson_titles() -> dict[str, str]:
    """Return {notebook file name: "NN · title"} from the course's lessons table ({} if unreadable)."""
    from utils import CourseDataError, load_course

    try:
        lessons = load_course()["lessons"]
    except (CourseDataError, KeyError):
        return {}
    if "notebook" not in lessons.columns:
        return {}
    return {str(nb): f"{lid} · {title}" for nb, lid, title
            in zip(lessons["notebook"], lessons["lesson_id"], lessons["title"])}


def notebook_title(nb, fallback: str) -> str:
    """Return the text of the notebook's first Markdown heading, or `fallback`."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^\s*#{1,2}\s+(.+?)\s*#*\s*$", cell.source, re.MULTILINE)
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return fallback


def rewrite_links(page_html: str, pages: dict[str, str], notebooks_dir: Path,
                  out_dir: Path) -> str:
    """Return `page_html` with its relative links fixed for the site.

    A link to a lesson notebook points at its page; an image beside the notebooks is copied
    into the site; a link to any other file of the repository points at it on GitHub.
    """
    def fix(match: re.Match) -> str:
        attr, url = match.group("attr"), html.unescape(match.group("url"))
        parts = urllib.parse.urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or url.startswith(("#", "/")):
            return match.group(0)
        target_rel = urllib.parse.unquote(parts.path)
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        if target_rel in pages:
            new = pages[target_rel] + anchor
        else:
            target = (notebooks_dir / target_rel).resolve()
            try:
                repo_path = target.relative_to(ROOT).as_posix()
            except ValueError:
                return match.group(0)
            if attr == "src" and target.is_file() and target.is_relative_to(notebooks_dir.resolve()):
                copy = out_dir / target.relative_to(notebooks_dir.resolve())
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target, copy)
                return match.group(0)
            if not target.exists():
                return match.group(0)
            new = source_url(repo_path) + anchor
        return f'{attr}="{html.escape(new, quote=True)}"'

    return _HREF.sub(fix, page_html)


def _nav(pages: list[Page], index: int | None) -> str:
    """Return the bar shown at the top of a page (`index` None for the course's front page)."""
    e = html.escape
    links = [f'<a class="course-site-home" href="index.html">{e(COURSE_TITLE)}</a>']
    if index is not None:
        prev_page = pages[index - 1] if index > 0 else None
        next_page = pages[index + 1] if index + 1 < len(pages) else None
        if prev_page:
            links.append(f'<a rel="prev" href="{e(prev_page.file)}">&larr; {e(prev_page.title)}</a>')
        if next_page:
            links.append(f'<a rel="next" href="{e(next_page.file)}">{e(next_page.title)} &rarr;</a>')
        live = pages[index].binder_url
    else:
        live = binder_url(pages[0].notebook) if pages else binder_url("")
    links.append(f'<a class="course-site-launch" href="{e(live)}">Launch live (Binder)</a>')
    return ('<header class="course-site-header"><nav class="course-site-nav">' + "".join(links)
            + "</nav><p class=\"course-site-note\">A read-only copy: figures zoom and show values "
            "on hover; sliders, menus and checked answers work in the live version.</p></header>")


def _footer(page: Page | None) -> str:
    e = html.escape
    notebook = f" Notebook: <code>notebooks/{e(page.notebook)}</code>." if page else ""
    live = page.binder_url if page else None
    link = f' <a class="course-site-launch" href="{e(live)}">Open it live on Binder</a>.' if live else ""
    return f'<footer class="course-site-footer"><p>{e(COURSE_TITLE)}.{notebook}{link}</p></footer>'


def _index_html(pages: list[Page]) -> str:
    e = html.escape
    items = "".join(f'<li><a href="{e(p.file)}">{e(p.title)}</a> · '
                    f'<a class="course-site-launch" href="{e(p.binder_url)}">live</a></li>'
                    for p in pages)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{e(COURSE_TITLE)}</title>
<link rel="stylesheet" href="{ASSETS}/jupyterlab.css">
<link rel="stylesheet" href="{ASSETS}/site.css">
</head>
<body class="jp-Notebook course-site" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{_nav(pages, None)}
<main class="course-site-index jp-RenderedHTMLCommon">
<h1>{e(COURSE_TITLE)}</h1>
<p>The lessons, in order:</p>
<ol class="course-site-lessons">{items}</ol>
</main>
{_footer(None)}
</body>
</html>
"""


def _write_assets(out_dir: Path) -> None:
    """Copy plotly.js, JupyterLab's stylesheet and the site's stylesheet into assets/."""
    import nbconvert
    import plotly

    assets = out_dir / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
                    assets / "plotly.min.js")
    lab_static = _nbconvert_template_dir(nbconvert, "lab") / "static"
    css = [(lab_static / name).read_text(encoding="utf-8") for name in ("index.css", "theme-light.css")]
    (assets / "jupyterlab.css").write_text("\n".join(css), encoding="utf-8")
    shutil.copyfile(TEMPLATES_DIR / TEMPLATE_NAME / "static" / "site.css", assets / "site.css")


def _nbconvert_template_dir(nbconvert_module, name: str) -> Path:
    from jupyter_core.paths import jupyter_path

    for base in jupyter_path("nbconvert", "templates"):
        candidate = Path(base) / name
        if (candidate / "static").is_dir():
            return candidate
    raise FileNotFoundError(f"nbconvert's '{name}' template was not found (is nbconvert installed?)")


def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    return exporter


def _inputs() -> list[Path]:
    """Return every file the site is built from (lessons, tables, course code, templates, this builder)."""
    files = list(NOTEBOOKS_DIR.glob("*.ipynb")) + list((ROOT / "course_data").glob("*"))
    files += list((ROOT / "utils").glob("*.py")) + list(TEMPLATES_DIR.rglob("*"))
    files += [Path(__file__), Path(__file__).with_name("site_outputs.py")]
    return [f for f in files if f.is_file()]


def is_current(out_dir: Path = SITE_DIR) -> bool:
    """Return True if `out_dir` holds a finished build newer than every file it is built from."""
    manifest = Path(out_dir) / MANIFEST
    if not manifest.is_file():
        return False
    built = manifest.stat().st_mtime
    return all(f.stat().st_mtime <= built for f in _inputs())


def site_bytes(out_dir: Path) -> int:
    """Return the total size in bytes of every file under `out_dir`."""
    return sum(p.stat().st_size for p in Path(out_dir).rglob("*") if p.is_file())


def build(out_dir: Path = SITE_DIR, notebooks_dir: Path = NOTEBOOKS_DIR, jobs: int | None = None) -> list[Page]:
    """Build the site into `out_dir` (emptied first); return one Page per lesson.

    Raises nbclient's CellExecutionError if a lesson fails to run.
    """
    import asyncio

    from scripts.site_outputs import StaticOutputs

    out_dir, notebooks_dir = Path(out_dir), Path(notebooks_dir)
    paths = lesson_notebooks(notebooks_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    _write_assets(out_dir)
    jobs = jobs or max(1, min(len(paths), os.cpu_count() or 1, 4))
    with tempfile.TemporaryDirectory(prefix="course-site-") as tmp:
        workdir = Path(tmp) / "notebooks"
        shutil.copytree(notebooks_dir, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        results = asyncio.run(execute_all(paths, workdir, Path(tmp) / "progress.jsonl", jobs))
    notebooks = [nb for nb, _ in results]
    titles = lesson_titles()
    pages = [Page(file=p.with_suffix(".html").name, notebook=p.name,
                  title=titles.get(p.name) or notebook_title(nb, p.stem), binder_url=binder_url(p.name), seconds=secs)
             for p, nb, (_, secs) in zip(paths, notebooks, results)]
    links = {p.notebook: p.file for p in pages}
    exporter = _exporter()
    for i, (page, nb) in enumerate(zip(pages, notebooks)):
        note = (f'<p class="course-static-note">Interactive in the live version: '
                f'<a class="course-site-launch" href="{html.escape(page.binder_url)}">launch it on Binder</a>.</p>')
        converter = StaticOutputs(nb, page_id=Path(page.file).stem, note=note)
        converter.convert()
        page.figures, page.widgets, page.quizzes = converter.figures, converter.widgets, converter.quizzes
        resources = {"metadata": {"name": page.title},
                     "site": {"assets": ASSETS, "header": _nav(pages, i), "footer": _footer(page)}}
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = rewrite_links(body, links, notebooks_dir, out_dir)
        (out_dir / page.file).write_text(body, encoding="utf-8")
        page.bytes = (out_dir / page.file).stat().st_size
    (out_dir / "index.html").write_text(_index_html(pages), encoding="utf-8")
    manifest = {"course": COURSE_TITLE, "repository": REPO_SLUG, "pages": [asdict(p) for p in pages]}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return pages


def report(pages: list[Page], out_dir: Path, seconds: float) -> str:
    """Return a table of the built pages with the site's total size."""
    rows = [f"{'page':<34} {'figures':>7} {'widgets':>7} {'quizzes':>7} {'KB':>7} {'run s':>6}"]
    for p in pages:
        rows.append(f"{p.file:<34} {p.figures:>7} {p.widgets:>7} {p.quizzes:>7} "
                    f"{p.bytes / 1000:>7.0f} {p.seconds:>6.1f}")
    total = site_bytes(out_dir)
    rows.append(f"site: {out_dir} · {total / 1e6:.2f} MB (limit {MAX_SITE_BYTES / 1e6:.0f} MB) · "
                f"built in {seconds:.0f} s · open {out_dir / 'index.html'}")
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SITE_DIR, help="folder to build into (emptied first)")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: CPUs, at most 4)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pages = build(args.out, jobs=args.jobs)
    print(report(pages, args.out, time.perf_counter() - start))
    if site_bytes(args.out) > MAX_SITE_BYTES:
        print(f"the site is larger than {MAX_SITE_BYTES / 1e6:.0f} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
