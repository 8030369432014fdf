"""course_data/README.md is the data dictionary generated from datapackage.json, and is up to date."""

from scripts.build_data_dictionary import render
from utils.data import default_data_dir, read_package


def test_readme_matches_datapackage():
    committed = (default_data_dir() / "README.md").read_text(encoding="utf-8")
    assert committed == render(), "course_data/README.md is out of date: run `make dictionary`"


def test_readme_names_every_table_and_column():
    text = render()
    for resource in read_package():
        assert f"## {resource.name}" in text
        for f in resource.fields:
            assert f"`{f.name}`" in text
