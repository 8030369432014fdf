"""Load and validate the course's fact tables.

The tables live in ``course_data/`` as CSV files. ``course_data/datapackage.json``
describes every table and column (type, required, allowed values, pattern,
unit, foreign keys); :func:`load_course` checks each file against it and
returns typed DataFrames, or raises :class:`CourseDataError` naming the file,
line, column, value and what was expected.

Checking every cell takes a few tenths of a second, paid by every lesson. Tables that
passed are therefore kept in a cache file (``$COURSE_CACHE_DIR``, else the user's
cache folder) named by a hash of the data files, this loader and the library
versions: any change to them means a fresh check.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
import os
import pickle
import re
import sys
import tempfile
import weakref
from collections.abc import Callable, Hashable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pandas as pd

DATA_DIR_ENV = "COURSE_DATA_DIR"
CACHE_DIR_ENV = "COURSE_CACHE_DIR"
_CACHE_PREFIX = "tables-"
PACKAGE_FILE = "datapackage.json"
FIELD_TYPES = ("string", "integer", "number", "boolean", "list", "date")
_DTYPES = {"string": "str", "integer": "Int64", "number": "float64", "boolean": "boolean", "date": "str"}
_TRUE = {"true"}
_FALSE = {"false"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_T = TypeVar("_T")
# Lookups built from a table, per table object: {id(df): {name: value}}.
_DERIVED: dict[int, dict[str, object]] = {}


class CourseDataError(ValueError):
    """A course data file does not match its description in datapackage.json."""

    def __init__(self, problem: str, *, file: str, line: int | None = None,
                 column: str | None = None, value: object = None, expected: str | None = None):
        self.problem = problem
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.expected = expected
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        message = f"{where}: {problem}"
        if value is not None:
            message += f" (found {value!r})"
        if expected:
            message += f"; expected {expected}"
        super().__init__(message + ".")


@dataclass(frozen=True)
class Field:
    """One column of a table, as described in datapackage.json."""

    name: str
    type: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    pattern: re.Pattern | None = None
    minimum: float | None = None
    maximum: float | None = None
    delimiter: str = ";"
    unit: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """Values of ``fields`` must exist in ``resource``'s ``reference_fields``."""

    fields: str
    resource: str
    reference_fields: str


@dataclass(frozen=True)
class Resource:
    """One table: its name, file, columns and keys."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def field(self, name: str) -> Field:
        """Return the field called ``name``; raises KeyError if there is none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def default_data_dir() -> Path:
    """Return the course data folder: $COURSE_DATA_DIR, else the one beside this package."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return Path(__file__).resolve().parent.parent / "course_data"


def read_package(data_dir: str | os.PathLike | None = None) -> tuple[Resource, ...]:
    """Return the table descriptions in ``datapackage.json``; raises CourseDataError."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    path = data_dir / PACKAGE_FILE
    if not path.is_file():
        raise CourseDataError("the data dictionary is missing", file=str(path),
                              expected=f"a {PACKAGE_FILE} describing every table")
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise CourseDataError(f"not valid JSON: {exc}", file=PACKAGE_FILE, line=line,
                              expected="a JSON object") from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list) or not resources:
        raise CourseDataError("no resources listed", file=PACKAGE_FILE,
                              expected='a "resources" list with one entry per table')
    parsed = tuple(_parse_resource(r, i) for i, r in enumerate(resources))
    names = [r.name for r in parsed]
    for name in names:
        if names.count(name) > 1:
            raise CourseDataError("a table is described twice", file=PACKAGE_FILE, value=name,
                                  expected="unique resource names")
    return parsed


def _parse_resource(raw: dict, index: int) -> Resource:
    where = f"{PACKAGE_FILE} resource #{index + 1}"
    try:
        name, path, schema = raw["name"], raw["path"], raw["schema"]
        fields = tuple(_parse_field(f, f"{where} ({name})") for f in schema["fields"])
    except (KeyError, TypeError) as exc:
        raise CourseDataError(f"incomplete description (missing {exc})", file=where,
                              expected='"name", "path" and "schema" with "fields"') from None
    pk = schema.get("primaryKey") or ()
    pk = (pk,) if isinstance(pk, str) else tuple(pk)
    fks = []
    for fk in schema.get("foreignKeys", ()):
        ref = fk["reference"]
        fks.append(ForeignKey(fk["fields"], ref.get("resource") or name, ref["fields"]))
    return Resource(name=name, path=path, title=raw.get("title", name),
                    description=raw.get("description", ""), fields=fields, primary_key=pk,
                    foreign_keys=tuple(fks), extra=raw)


def _parse_field(raw: dict, where: str) -> Field:
    ftype = raw.get("type", "string")
    if ftype not in FIELD_TYPES:
        raise CourseDataError("unknown field type", file=where, column=raw.get("name"), value=ftype,
                              expected=f"one of {', '.join(FIELD_TYPES)}")
    c = raw.get("constraints", {})
    pattern = re.compile(c["pattern"]) if "pattern" in c else None
    enum = tuple(str(v) for v in c["enum"]) if "enum" in c else None
    return Field(name=raw["name"], type=ftype, description=raw.get("description", ""),
                 required=bool(c.get("required", False)), unique=bool(c.get("unique", False)),
                 enum=enum, pattern=pattern, minimum=c.get("minimum"), maximum=c.get("maximum"),
                 delimiter=raw.get("delimiter", ";"), unit=raw.get("unit"))


def _read_rows(path: Path, resource: Resource) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, {column: raw text}) for each data row; raises CourseDataError."""
    name = path.name
    if not path.is_file():
        raise CourseDataError("file is missing", file=name,
                              expected=f"the '{resource.name}' table described in {PACKAGE_FILE}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        bad = raw[exc.start:exc.end]
        raise CourseDataError("bytes that are not UTF-8 text", file=name, line=line, value=bad,
                              expected="the file saved as UTF-8") from None
    if not text.strip():
        raise CourseDataError("file is empty", file=name,
                              expected="a header row naming the columns, then data rows")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    expected_cols = [f.name for f in resource.fields]
    for col in expected_cols:
        if col not in header:
            raise CourseDataError("a column is missing from the header", file=name, line=1, column=col,
                                  expected=f"columns {', '.join(expected_cols)}")
    for col in header:
        if col not in expected_cols:
            raise CourseDataError("unexpected column in the header", file=name, line=1, column=col,
                                  expected=f"only the columns described in {PACKAGE_FILE}: "
                                           f"{', '.join(expected_cols)}")
        if header.count(col) > 1:
            raise CourseDataError("column appears twice in the header", file=name, line=1, column=col,
                                  expected="each column once")
    rows = []
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            what = "more" if len(cells) > len(header) else "fewer"
            raise CourseDataError(
                f"row has {len(cells)} cells, {what} than the {len(header)} columns "
                "(a stray comma, or a comma inside an unquoted cell, shifts the columns)",
                file=name, line=start, column=header[min(len(cells), len(header)) - 1],
                expected='one cell per column; put double quotes around a cell that contains a comma')
        rows.append((start, {h: c.strip() for h, c in zip(header, cells)}))
    return rows


def _convert(text: str, f: Field, file: str, line: int):
    """Return ``text`` as the field's Python value (None when blank); raises CourseDataError."""
    if text == "":
        if f.required:
            raise CourseDataError("a required cell is blank", file=file, line=line, column=f.name,
                                  expected=f.description or "a value")
        return None
    if f.type == "list":
        items = tuple(i.strip() for i in text.split(f.delimiter))
        if any(i == "" for i in items):
            raise CourseDataError("an empty item in a list", file=file, line=line, column=f.name,
                                  value=text, expected=f"items separated by '{f.delimiter}'")
        for item in items:
            _check_text(item, f, file, line)
        return items
    if f.type == "integer":
        try:
            value = int(text)
        except ValueError:
            raise CourseDataError("not a whole number", file=file, line=line, column=f.name,
                                  value=text, expected="an integer such as 12") from None
    elif f.type == "number":
        try:
            value = float(text)
        except ValueError:
            raise CourseDataError("not a number", file=file, line=line, column=f.name, value=text,
                                  expected="a number such as 0.05" + (f" (in {f.unit})" if f.unit else "")
                                  ) from None
    elif f.type == "boolean":
        if text.lower() not in _TRUE | _FALSE:
            raise CourseDataError("not true or false", file=file, line=line, column=f.name, value=text,
                                  expected="true or false")
        return text.lower() in _TRUE
    elif f.type == "date":
        if not _DATE.match(text):
            raise CourseDataError("not a date", file=file, line=line, column=f.name, value=text,
                                  expected="a date written YYYY-MM-DD")
        return text
    else:
        _check_text(text, f, file, line)
        return text
    if f.minimum is not None and value < f.minimum or f.maximum is not None and value > f.maximum:
        raise CourseDataError("number out of range", file=file, line=line, column=f.name, value=text,
                              expected=f"between {f.minimum} and {f.maximum}"
                                       + (f" {f.unit}" if f.unit else ""))
    return value


def _check_text(text: str, f: Field, file: str, line: int) -> None:
    if f.enum is not None and text not in f.enum:
        raise CourseDataError("value not in the allowed set", file=file, line=line, column=f.name,
                              value=text, expected=f"one of: {', '.join(f.enum)}")
    if f.pattern is not None and not f.pattern.fullmatch(text):
        raise CourseDataError("value does not have the expected form", file=file, line=line,
                              column=f.name, value=text, expected=f"text matching {f.pattern.pattern}")


@dataclass
class _Table:
    resource: Resource
    lines: list[int]
    columns: dict[str, list]


def _load_table(data_dir: Path, resource: Resource) -> _Table:
    path = data_dir / resource.path
    rows = _read_rows(path, resource)
    file = path.name
    columns: dict[str, list] = {f.name: [] for f in resource.fields}
    lines = []
    for line, cells in rows:
        lines.append(line)
        for f in resource.fields:
            columns[f.name].append(_convert(cells[f.name], f, file, line))
    for f in resource.fields:
        if f.unique:
            _check_unique(file, lines, [f.name], list(zip(columns[f.name])))
    if resource.primary_key:
        keys = list(zip(*(columns[k] for k in resource.primary_key)))
        _check_unique(file, lines, list(resource.primary_key), keys)
    return _Table(resource, lines, columns)


def _check_unique(file: str, lines: list[int], names: list[str], keys: list[tuple]) -> None:
    seen: dict[tuple, int] = {}
    for line, key in zip(lines, keys):
        if all(k is None for k in key):
            continue
        if key in seen:
            shown = key[0] if len(key) == 1 else key
            raise CourseDataError(f"duplicate id (first used on line {seen[key]})", file=file, line=line,
                                  column=", ".join(names), value=shown, expected="a value used only once")
        seen[key] = line


def _check_foreign_keys(tables: dict[str, _Table]) -> None:
    for table in tables.values():
        res = table.resource
        file = Path(res.path).name
        for fk in res.foreign_keys:
            target = tables.get(fk.resource)
            if target is None:
                raise CourseDataError("a foreign key names a table that is not described",
                                      file=PACKAGE_FILE, column=fk.fields, value=fk.resource,
                                      expected="the name of a resource")
            known = {v for v in target.columns[fk.reference_fields] if v is not None}
            target_file = Path(target.resource.path).name
            for line, value in zip(table.lines, table.columns[fk.fields]):
                items = value if isinstance(value, tuple) else (value,)
                for item in items:
                    if item is not None and item not in known:
                        raise CourseDataError(
                            "refers to an id that does not exist", file=file, line=line, column=fk.fields,
                            value=item, expected=f"an existing {fk.reference_fields} in {target_file}")


class _Lines(tuple):
    """Editor line numbers of a table's rows; immutable, so pandas' deep copies of ``attrs`` share it."""

    def __deepcopy__(self, memo):
        return self


def _frame(table: _Table) -> pd.DataFrame:
    data = {}
    for f in table.resource.fields:
        values = table.columns[f.name]
        if f.type == "list":
            data[f.name] = pd.Series(values, dtype=object)
        else:
            data[f.name] = pd.Series(values, dtype=_DTYPES[f.type])
    df = pd.DataFrame(data)
    df.attrs["file"] = Path(table.resource.path).name
    df.attrs["lines"] = _Lines(table.lines)
    return df


def is_blank(value) -> bool:
    """Return True for a missing cell: None, NaN, an empty string or an empty list."""
    if value is None:
        return True
    if isinstance(value, (tuple, list)):
        return len(value) == 0
    if isinstance(value, str):
        return value.strip() == ""
    return bool(pd.isna(value))


def source_line(df: pd.DataFrame, position: int) -> int | None:
    """Return the editor line number of a loaded table's row at ``position``, or None."""
    lines = df.attrs.get("lines")
    return lines[position] if lines and 0 <= position < len(lines) else None


def derived(df: pd.DataFrame, name: Hashable, build: Callable[[pd.DataFrame], _T]) -> _T:
    """Return ``build(df)``, built once per table object and kept while the table lives.

    Loaded tables are only read, never changed in place (a changed table is a new object
    with its own entry), so a lookup built once stays right.
    """
    key = id(df)
    entry = _DERIVED.get(key)
    if entry is None:
        entry = _DERIVED[key] = {}
        weakref.finalize(df, _DERIVED.pop, key, None)
    if name not in entry:
        entry[name] = build(df)
    return entry[name]  # type: ignore[return-value]


def derived_from(tables: Mapping[str, pd.DataFrame], names: tuple[str, ...], key: Hashable,
                 build: Callable[[], _T]) -> _T:
    """Return ``build()``, built once per set of the table objects ``names`` of ``tables`` (see :func:`derived`).

    ``key`` tells apart the things built from the same tables.
    """
    first, *others = (tables[n] for n in names)
    built = derived(first, ("derived_from", key), lambda _df: [])
    for deps, value in built:
        if all(a is b for a, b in zip(deps, others)):
            return value
    value = build()
    built.append((tuple(others), value))
    return value


def rows_by_id(df: pd.DataFrame) -> dict:
    """Return {id: row as a dict} keyed by the table's first column (first row wins)."""

    def build(frame: pd.DataFrame) -> dict:
        out: dict = {}
        for record in frame.to_dict("records"):
            out.setdefault(record[frame.columns[0]], record)
        return out

    return derived(df, "rows_by_id", build)


def cache_dir() -> Path:
    """Return where checked tables are cached: $COURSE_CACHE_DIR, else <user cache folder>/posterior-leg-course."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "posterior-leg-course"


def _fingerprint(data_dir: Path) -> str:
    """Return a hash of everything the checked tables depend on: data files, checking code, versions."""
    digest = hashlib.sha256(f"{sys.version}|{pd.__version__}".encode())
    here = Path(__file__)
    for path in [here, here.with_name("question_checks.py")] + sorted(p for p in data_dir.iterdir() if p.is_file()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_cache(path: Path) -> dict[str, pd.DataFrame] | None:
    try:
        with path.open("rb") as handle:
            frames = pickle.load(handle)
    except Exception:  # no cache yet, an unreadable folder or a damaged file: check the tables again
        return None
    ok = isinstance(frames, dict) and all(isinstance(df, pd.DataFrame) for df in frames.values())
    return frames if ok else None


def _write_cache(path: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Write the cache atomically; a folder that cannot be written just means no cache."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{_CACHE_PREFIX}*.pickle"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tables-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(frames, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _check_and_build(path: Path) -> dict[str, pd.DataFrame]:
    resources = read_package(path)
    tables = {r.name: _load_table(path, r) for r in resources}
    _check_foreign_keys(tables)
    frames = {name: _frame(t) for name, t in tables.items()}
    if "questions" in frames:
        from utils.question_checks import check_question_bank
        check_question_bank(frames)
    return frames


@lru_cache(maxsize=8)
def _load_cached(data_dir: str) -> dict[str, pd.DataFrame]:
    path = Path(data_dir)
    if not (path / PACKAGE_FILE).is_file():
        return _check_and_build(path)  # raises the loader's own message
    cache_file = cache_dir() / f"{_CACHE_PREFIX}{_fingerprint(path)[:40]}.pickle"
    frames = _read_cache(cache_file)
    if frames is None:
        frames = _check_and_build(path)
        _write_cache(cache_file, frames)
    return frames


def load_course(data_dir: str | os.PathLike | None = None) -> dict[str, pd.DataFrame]:
    """Return every course table by name, validated and typed.

    ``data_dir`` defaults to the course's own ``course_data/`` (or $COURSE_DATA_DIR).
    Results are cached per process. Raises CourseDataError on any bad file.
    """
    path = Path(data_dir).expanduser().resolve() if data_dir is not None else default_data_dir()
    with _long_lived():
        return {name: df.copy(deep=False) for name, df in _load_cached(str(path)).items()}


_FROZEN = False


@contextmanager
def _long_lived():
    """Leave the libraries imported so far, and what the block loads, out of later garbage collections.

    A lesson's kernel keeps all of it until it stops. Without this, each full collection scans
    those ~200,000 objects again, which pauses the kernel for about a tenth of a second once
    or twice per lesson, sometimes in the middle of a slider drag. Done once per process.
    """
    global _FROZEN
    if _FROZEN:
        yield
        return
    gc.freeze()  # before loading too: the load itself then triggers no full scan of the libraries
    yield
    gc.freeze()
    _FROZEN = True


def clear_cache() -> None:
    """Forget loaded tables so the next load_course() reads the files again."""
    _load_cached.cache_clear()
