"""The learner's answers, kept in a JSON Lines file that is never silently lost.

One line per checked answer: time (UTC, ISO 8601), lesson_id, question_id, objective_id,
correct, response. The file is ``$COURSE_PROGRESS_PATH`` if set, else
``<jupyter data dir>/posterior-leg-course/progress.jsonl``.

Appends hold an exclusive ``fcntl.flock`` on a sidecar ``.lock`` file and are flushed and
fsynced; rewrites (import, repair) go through a temporary file and ``os.replace``. A damaged
file is copied to a timestamped backup before its readable lines are kept. When the file
cannot be written, answers are kept in memory for the session and a message says so.
Problems are reported as returned message strings, never as exceptions or warnings.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

PATH_ENV = "COURSE_PROGRESS_PATH"
FIELDS = ("time", "lesson_id", "question_id", "objective_id", "correct", "response")
_MEMORY: dict[str, list[dict]] = {}
_CHECKED: dict[str, tuple[int, int]] = {}


def progress_path() -> Path:
    """Return the progress file: $COURSE_PROGRESS_PATH, else one in Jupyter's data folder."""
    override = os.environ.get(PATH_ENV)
    if override:
        return Path(override).expanduser()
    from jupyter_core.paths import jupyter_data_dir
    return Path(jupyter_data_dir()) / "posterior-leg-course" / "progress.jsonl"


def _resolve(path) -> Path:
    return Path(path).expanduser() if path is not None else progress_path()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def _jsonable(response):
    if isinstance(response, Mapping):
        return {str(k): _jsonable(v) for k, v in response.items()}
    if isinstance(response, (set, frozenset)):
        return sorted(_jsonable(v) for v in response)
    if isinstance(response, (list, tuple)):
        return [_jsonable(v) for v in response]
    if isinstance(response, (str, int, float, bool)) or response is None:
        return response
    if isinstance(response, np.generic):
        return response.item()
    return str(response)


def _valid(record) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("time"), str)
            and isinstance(record.get("question_id"), str) and record["question_id"] != ""
            and isinstance(record.get("correct"), bool)
            and all(isinstance(record.get(k), (str, type(None))) for k in ("lesson_id", "objective_id")))


def _key(record: dict) -> tuple:
    return record["time"], record["question_id"], json.dumps(record.get("response"), sort_keys=True)


def _encode(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


@contextmanager
def _locked(path: Path):
    """Hold an exclusive lock on ``path``'s sidecar lock file (raises OSError if impossible)."""
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _parse(raw: bytes) -> tuple[list[dict], int]:
    """Return (valid records, number of unreadable lines) of a file's bytes."""
    good, bad = [], 0
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            bad += 1
            continue
        if _valid(record):
            good.append(record)
        else:
            bad += 1
    return good, bad


def _write_atomic(path: Path, records: Iterable[dict]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for record in records:
                fh.write(_encode(record))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _repair(path: Path, raw: bytes, good: list[dict], bad: int) -> str:
    """Back up a damaged file, keep its good lines; return the message for the learner."""
    backup = path.with_name(f"{path.name}.damaged-{_stamp()}")
    try:
        shutil.copy2(path, backup)
    except OSError as exc:
        return (f"Your progress file {path} is damaged ({bad} unreadable line(s)) and no backup copy "
                f"could be made ({exc.strerror or exc}); it was left unchanged. "
                f"{len(good)} answers were read from it.")
    try:
        _write_atomic(path, good)
    except OSError as exc:
        return (f"Your progress file {path} is damaged ({bad} unreadable line(s)); a copy is at {backup}, "
                f"but the file could not be rewritten ({exc.strerror or exc}). {len(good)} answers were read.")
    return (f"Your progress file was damaged: {bad} unreadable line(s) were set aside and {len(good)} "
            f"answers were kept. The damaged file was copied to {backup}.")


def _read_locked(path: Path) -> tuple[list[dict], list[str]]:
    """Read (and repair if damaged) ``path``; the caller holds the lock when it can."""
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    except OSError as exc:
        return [], [f"Your progress file {path} could not be read ({exc.strerror or exc})."]
    good, bad = _parse(raw)
    messages = [_repair(path, raw, good, bad)] if bad else []
    return good, messages


def load_answers(path=None) -> tuple[list[dict], list[str]]:
    """Return (answers oldest first, messages for the learner) from the progress file.

    A damaged file is backed up and repaired; answers kept in memory this session (when the
    file could not be written) are included. Never raises for file problems.
    """
    path = _resolve(path)
    try:
        with _locked(path):
            records, messages = _read_locked(path)
    except OSError:
        records, messages = _read_locked(path)  # no lock possible (read-only folder): read anyway
    pending = _MEMORY.get(str(path), [])
    if pending:
        known = {_key(r) for r in records}
        records = records + [r for r in pending if _key(r) not in known]
        messages.append(f"{len(pending)} answer(s) of this session are kept in memory only, "
                        f"because {path} could not be written.")
    records.sort(key=lambda r: r["time"])
    return records, messages


def check_progress_file(path=None) -> list[str]:
    """Return messages about the progress file (damage found and repaired); cheap if unchanged."""
    path = _resolve(path)
    try:
        st = path.stat()
    except OSError:
        return []
    if _CHECKED.get(str(path)) == (st.st_size, st.st_mtime_ns):
        return []
    _, messages = load_answers(path)
    try:
        st = path.stat()
        _CHECKED[str(path)] = (st.st_size, st.st_mtime_ns)
    except OSError:
        pass
    return messages


def _append(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        with open(path, "a+b") as fh:
            end = fh.seek(0, os.SEEK_END)
            data = b"".join(_encode(r) for r in records)
            if end:
                fh.seek(end - 1)
                if fh.read(1) != b"\n":
                    data = b"\n" + data  # keep a cut-off last line apart; the next read repairs it
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def record_answer(*, lesson_id: str | None, question_id: str, objective_id: str | None, correct: bool,
                  response=None, path=None, time: str | None = None) -> str | None:
    """Append one answer to the progress file; return None, or a message if it is kept in memory only."""
    path = _resolve(path)
    record = {"time": time or _now(), "lesson_id": lesson_id, "question_id": question_id,
              "objective_id": objective_id, "correct": bool(correct), "response": _jsonable(response)}
    pending = _MEMORY.get(str(path), [])
    try:
        _append(path, pending + [record])
    except OSError as exc:
        _MEMORY.setdefault(str(path), []).append(record)
        return (f"Your answers cannot be saved to {path} ({exc.strerror or exc}). They are kept for this "
                f"session only; use 'Export progress' to keep a copy.")
    _MEMORY.pop(str(path), None)
    return None


def answers_frame(path=None) -> pd.DataFrame:
    """Return the answers as a DataFrame with one row per answer (columns FIELDS)."""
    records, _ = load_answers(path)
    df = pd.DataFrame(records, columns=list(FIELDS))
    df["correct"] = df["correct"].astype("boolean")
    return df


# ---------------------------------------------------------------- summaries

def _bank(tables):
    if tables is None:
        import utils
        tables = utils.load_course()
    return tables


def question_status(records: list[dict]) -> dict[str, dict]:
    """Return {question_id: {"answers", "right", "last_correct", "lesson_id", "objective_id"}}."""
    status: dict[str, dict] = {}
    for r in sorted(records, key=lambda r: r["time"]):
        s = status.setdefault(r["question_id"], {"answers": 0, "right": 0, "last_correct": False,
                                                 "lesson_id": r.get("lesson_id"),
                                                 "objective_id": r.get("objective_id")})
        s["answers"] += 1
        s["right"] += bool(r["correct"])
        s["last_correct"] = bool(r["correct"])
    return status


def summary(path=None, tables: Mapping | None = None) -> pd.DataFrame:
    """Return progress per lesson and per objective.

    Columns: level ("lesson" or "objective"), lesson_id, objective_id, objective, questions
    (in the bank), attempted, correct (answered right at least once), mastered (last answer
    right), to_review (attempted, last answer wrong), not_attempted. ``tables`` defaults to
    load_course().
    """
    tables = _bank(tables)
    records, _ = load_answers(path)
    status = question_status(records)
    questions = tables["questions"][["question_id", "lesson_id", "objective_id"]]
    objectives = tables.get("objectives")
    text = dict(zip(objectives["objective_id"], objectives["text"])) if objectives is not None else {}
    rows = []
    for qid, lesson, objective in questions.itertuples(index=False):
        s = status.get(qid)
        rows.append({"lesson_id": lesson, "objective_id": objective, "attempted": s is not None,
                     "correct": bool(s and s["right"] > 0), "mastered": bool(s and s["last_correct"]),
                     "to_review": bool(s and not s["last_correct"])})
    per_q = pd.DataFrame(rows, columns=["lesson_id", "objective_id", "attempted", "correct", "mastered",
                                        "to_review"])
    out = []
    for level, keys in (("lesson", ["lesson_id"]), ("objective", ["lesson_id", "objective_id"])):
        g = per_q.groupby(keys, sort=True).agg(
            questions=("attempted", "size"), attempted=("attempted", "sum"), correct=("correct", "sum"),
            mastered=("mastered", "sum"), to_review=("to_review", "sum")).reset_index()
        g.insert(0, "level", level)
        if level == "lesson":
            g["objective_id"] = ""
        out.append(g)
    df = pd.concat(out, ignore_index=True)
    df["objective"] = [text.get(o, "") for o in df["objective_id"]]
    df["not_attempted"] = df["questions"] - df["attempted"]
    cols = ["level", "lesson_id", "objective_id", "objective", "questions", "attempted", "correct",
            "mastered", "to_review", "not_attempted"]
    df = df[cols].sort_values(["lesson_id", "level", "objective_id"], key=lambda s: s.astype(str),
                              ignore_index=True)
    for c in cols[4:]:
        df[c] = df[c].astype("int64")
    return df


def summary_html(path=None, tables: Mapping | None = None) -> str:
    """Return the summary as an HTML table (messages about the file first)."""
    _, messages = load_answers(path)
    df = summary(path, tables)
    head = "".join(f"<p>{html.escape(m)}</p>" for m in messages)
    show = df.rename(columns={"lesson_id": "lesson", "objective_id": "objective id",
                              "to_review": "to review", "not_attempted": "not attempted"})
    return head + show.to_html(index=False, classes="course-progress-summary", escape=True)


def show_summary(path=None, tables: Mapping | None = None) -> None:
    """Display the progress summary table (and any message about the file) in the notebook."""
    from IPython.display import HTML, display
    display(HTML(summary_html(path, tables)))


# ---------------------------------------------------------------- review

def review_set(n: int, seed: int, path=None, tables: Mapping | None = None) -> list[str]:
    """Return up to ``n`` question ids for review, drawn across lessons with ``seed``.

    Weights: last answer wrong 6, never attempted 3, right but earlier wrong 2, always right 1;
    +1 when another question of the same objective was last answered wrong.
    The same seed, answers and bank give the same list.
    """
    tables = _bank(tables)
    records, _ = load_answers(path)
    status = question_status(records)
    q = tables["questions"].sort_values("question_id")
    weak_objectives = {s["objective_id"] for s in status.values() if not s["last_correct"]}
    ids, weights = [], []
    for qid, objective in zip(q["question_id"], q["objective_id"]):
        s = status.get(qid)
        if s is None:
            w = 3.0
        elif not s["last_correct"]:
            w = 6.0
        elif s["right"] < s["answers"]:
            w = 2.0
        else:
            w = 1.0
        if objective in weak_objectives:
            w += 1.0
        ids.append(str(qid))
        weights.append(w)
    if not ids or n <= 0:
        return []
    p = np.asarray(weights) / sum(weights)
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(ids), size=min(n, len(ids)), replace=False, p=p)
    return [ids[i] for i in picked]


# ---------------------------------------------------------------- export / import

@dataclass(frozen=True)
class ImportResult:
    """What import_progress did: answers added, duplicates skipped, unreadable lines, message."""

    added: int
    duplicates: int
    unreadable: int
    message: str


def export_progress(dest, path=None) -> Path:
    """Write every answer to ``dest`` (a file, or a folder to put a dated file in); return its path.

    Raises OSError if ``dest`` cannot be written.
    """
    records, _ = load_answers(path)
    dest = Path(dest).expanduser()
    if dest.is_dir():
        dest = dest / f"posterior-leg-progress-{datetime.now(timezone.utc):%Y%m%d-%H%M%S}.jsonl"
    _write_atomic(dest, records)
    return dest


def import_progress(src, path=None) -> ImportResult:
    """Merge answers from ``src`` (a file path or the file's bytes) into the progress file.

    Duplicates (same time, question and response) are skipped. Never raises for file problems:
    the result's message says what happened.
    """
    path = _resolve(path)
    try:
        raw = bytes(src) if isinstance(src, (bytes, bytearray, memoryview)) else Path(src).read_bytes()
    except OSError as exc:
        return ImportResult(0, 0, 0, f"Could not read {src} ({exc.strerror or exc}).")
    incoming, bad = _parse(raw)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _locked(path):
            current, messages = _read_locked(path)
            current += _MEMORY.get(str(path), [])
            known = {_key(r) for r in current}
            new = []
            for r in incoming:
                if _key(r) not in known:
                    known.add(_key(r))
                    new.append(r)
            merged = sorted(current + new, key=lambda r: r["time"])
            _write_atomic(path, merged)
        _MEMORY.pop(str(path), None)
    except OSError as exc:
        return ImportResult(0, 0, bad, f"Could not write {path} ({exc.strerror or exc}); nothing was imported.")
    parts = messages + [f"Imported {len(new)} answer(s); {len(incoming) - len(new)} were already there."]
    if bad:
        parts.append(f"{bad} line(s) of the uploaded file could not be read and were skipped.")
    return ImportResult(len(new), len(incoming) - len(new), bad, " ".join(parts))


def progress_widget(path=None, folder="."):
    """Return a widget with an Export button (writes a file into ``folder``) and an upload for import."""
    import ipywidgets as widgets

    export_button = widgets.Button(description="Export progress", icon="download",
                                   tooltip="Save your answers to a file in this folder")
    upload = widgets.FileUpload(accept=".jsonl,.json,.txt", multiple=False, description="Import progress")
    status = widgets.HTML("")
    status.add_class("course-progress-status")

    def on_export(_button):
        try:
            dest = export_progress(Path(folder), path)
        except OSError as exc:
            status.value = f"<p>Could not export ({html.escape(exc.strerror or str(exc))}).</p>"
            return
        name = html.escape(dest.name)
        status.value = (f'<p>Saved <a href="{name}" download="{name}">{name}</a> in {html.escape(str(dest.parent))}.'
                        " Download it from the file browser (right-click, Download) to keep it.</p>")

    def on_upload(change):
        messages = []
        for item in change["new"] or ():
            result = import_progress(bytes(item["content"]), path)
            messages.append(f"{item['name']}: {result.message}")
        if messages:
            status.value = "".join(f"<p>{html.escape(m)}</p>" for m in messages)

    export_button.on_click(on_export)
    upload.observe(on_upload, names="value")
    box = widgets.VBox([widgets.HBox([export_button, upload]), status])
    box.add_class("course-progress")
    return box
