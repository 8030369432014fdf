"""Write course_data/README.md, the human-readable data dictionary, from datapackage.json.

Run `make dictionary` after changing a table's description; a test fails when
the committed README.md no longer matches.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from utils.data import Resource, default_data_dir, load_course, read_package

HEADER = """\
# Course data dictionary

Every fact the course shows comes from a table in this folder. Each row cites
one or more `source_ids` from [`sources.csv`](sources.csv). The machine-readable
description is [`datapackage.json`](datapackage.json); `utils.load_course()`
checks every file against it, and this page is generated from it
(`make dictionary`), so edit the JSON, not this page.

Conventions: UTF-8 CSV, comma-separated, one header row; a blank cell means
"not known / not applicable"; list cells separate items with `;`; booleans are
`true` or `false`. Lines in error messages are the line numbers an editor shows
(the header is line 1).
"""


def _allowed(f) -> str:
    parts = []
    if f.enum:
        parts.append("one of " + ", ".join(f"`{v}`" for v in f.enum))
    if f.pattern is not None:
        parts.append(f"matches `{f.pattern.pattern}`")
    if f.minimum is not None or f.maximum is not None:
        parts.append(f"{f.minimum if f.minimum is not None else '…'} to "
                     f"{f.maximum if f.maximum is not None else '…'}")
    if f.unique:
        parts.append("unique")
    return "; ".join(parts)


def _references(resource: Resource, name: str) -> str:
    for fk in resource.foreign_keys:
        if fk.fields == name:
            return f"→ `{fk.resource}.{fk.reference_fields}`"
    return ""


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(data_dir: Path | None = None) -> str:
    """Return the Markdown data dictionary for the package in ``data_dir``."""
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    resources = read_package(data_dir)
    tables = load_course(data_dir)
    sources = tables.get("sources")
    lines = [HEADER, "## Tables", ""]
    for r in resources:
        lines.append(f"- [`{r.path}`](#{r.name}) ({len(tables[r.name])} rows): {r.title}")
    lines.append("")
    for r in resources:
        lines += [f"## {r.name}", "", f"**File:** [`{r.path}`]({r.path}) · **Rows:** {len(tables[r.name])}"
                  + (f" · **Key:** {', '.join(f'`{k}`' for k in r.primary_key)}" if r.primary_key else ""),
                  "", r.description, ""]
        df = tables[r.name]
        if sources is not None and "source_ids" in df.columns:
            used = sorted({s for ids in df["source_ids"].dropna() for s in ids})
            if used:
                cited = sources.set_index("source_id").loc[used]
                refs = [f"[{row.short}]({row.url})" if isinstance(row.url, str) and row.url else row.short
                        for row in cited.itertuples()]
                lines += ["**Where it comes from:** " + "; ".join(refs), ""]
        lines += ["| variable | type | required | allowed values | unit | references | description |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for f in r.fields:
            ftype = f"list of {f.type if f.type != 'list' else 'string'} (`{f.delimiter}`)" if f.type == "list" else f.type
            lines.append("| " + " | ".join(_cell(x) for x in (
                f"`{f.name}`", ftype, "yes" if f.required else "", _allowed(f), f.unit or "",
                _references(r, f.name), f.description)) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is out of date")
    args = parser.parse_args()
    target = default_data_dir() / "README.md"
    text = render()
    if args.check:
        raise SystemExit(0 if target.exists() and target.read_text(encoding="utf-8") == text else 1)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
