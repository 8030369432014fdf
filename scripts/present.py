"""Serve the lessons for projection with Voilà (`make present`).

Voilà runs each lesson on its own kernel and shows it with the course's `course-present`
template (share/jupyter/voila/templates/): no code, large type, one section at a time
(arrow keys, Page Up/Down or the buttons at the bottom right), widgets live, nothing
requested from the internet.

    python -m scripts.present [--port 8866] [--no-browser] [NOTEBOOK_OR_FOLDER]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
SHARE_DIR = ROOT / "share" / "jupyter"
TEMPLATE = "course-present"
DEFAULT_PORT = 8866


def voila_command(target: Path = NOTEBOOKS_DIR, port: int = DEFAULT_PORT,
                  open_browser: bool = True) -> list[str]:
    """Return the command line that serves `target` (a notebook or a folder of them) with Voilà."""
    cmd = [sys.executable, "-m", "voila", str(target), f"--port={port}", "--Voila.ip=127.0.0.1",
           f"--template={TEMPLATE}", "--theme=light", "--show_tracebacks=True"]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def voila_env(base: dict | None = None) -> dict[str, str]:
    """Return `base` (default os.environ) with the course's template folder first on JUPYTER_PATH."""
    env = dict(os.environ if base is None else base)
    paths = [str(SHARE_DIR)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    return env


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", nargs="?", type=Path, default=NOTEBOOKS_DIR,
                        help="a lesson notebook, or the folder of lessons (default)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)
    cmd = voila_command(args.target, args.port, open_browser=not args.no_browser)
    print(f"Presenting {args.target} at http://127.0.0.1:{args.port}/ (Ctrl+C to stop)", flush=True)
    os.execvpe(cmd[0], cmd, voila_env())


if __name__ == "__main__":
    main()
