"""Session fixtures for the browser tests: one JupyterLab server, one Chromium, one context."""

import os
from pathlib import Path

import pytest

from tests.browser.harness import (
    CHROMIUM_MISSING,
    REPO_ROOT,
    LabServer,
    chromium_path,
    notebooks_dir,
    open_browser,
)

SCREENSHOTS_KEY = pytest.StashKey[Path]()


@pytest.fixture(scope="session")
def chromium_executable():
    """Return Chromium's path; skip when it is missing, except on CI (CI=true) where that fails."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    return path


@pytest.fixture(scope="session")
def lab_server(chromium_executable):
    """A JupyterLab serving a temporary copy of the lessons, stopped at the end of the session."""
    server = LabServer(notebooks_dir())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context(chromium_executable):
    """A Chromium browser context shared by the lessons (each lesson opens its own page)."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = open_browser(playwright, chromium_executable)
    context = browser.new_context()
    yield context
    context.close()
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def screenshots_dir(request):
    """Folder receiving one screenshot per lesson: env BROWSER_SCREENSHOTS or build/screenshots."""
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or REPO_ROOT / "build" / "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    request.config.stash[SCREENSHOTS_KEY] = folder
    return folder


def pytest_terminal_summary(terminalreporter, config):
    folder = config.stash.get(SCREENSHOTS_KEY, None)
    if folder is not None:
        terminalreporter.write_sep("-", "browser screenshots")
        terminalreporter.write_line(f"Lesson screenshots saved in {folder}")
