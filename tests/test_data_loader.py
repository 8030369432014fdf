"""The loader reads valid tables into typed DataFrames and names every problem in bad ones."""

import json
import shutil

import pandas as pd
import pytest

from utils import CourseDataError, load_course
from utils.data import cache_dir, clear_cache, default_data_dir, read_package, source_line

PACKAGE = {
    "name": "mini",
    "resources": [
        {
            "name": "sources",
            "path": "sources.csv",
            "schema": {
                "fields": [
                    {"name": "source_id", "type": "string",
                     "constraints": {"required": True, "unique": True, "pattern": "^[a-z][a-z0-9_]*$"}},
                    {"name": "citation", "type": "string", "description": "full citation",
                     "constraints": {"required": True}},
                ],
                "primaryKey": "source_id",
            },
        },
        {
            "name": "muscles",
            "path": "muscles.csv",
            "schema": {
                "fields": [
                    {"name": "muscle_id", "type": "string", "constraints": {"required": True, "unique": True}},
                    {"name": "layer", "type": "string",
                     "constraints": {"required": True, "enum": ["superficial", "deep"]}},
                    {"name": "heads", "type": "integer", "constraints": {"minimum": 1, "maximum": 4}},
                    {"name": "force_n", "type": "number", "unit": "N"},
                    {"name": "focus", "type": "boolean"},
                    {"name": "parent_id", "type": "string"},
                    {"name": "source_ids", "type": "list", "delimiter": ";", "itemType": "string",
                     "constraints": {"required": True}},
                ],
                "primaryKey": "muscle_id",
                "foreignKeys": [
                    {"fields": "source_ids", "reference": {"resource": "sources", "fields": "source_id"}},
                    {"fields": "parent_id", "reference": {"resource": "", "fields": "muscle_id"}},
                ],
            },
        },
    ],
}

SOURCES = "source_id,citation\ngray1918,\"Gray H. Anatomy of the Human Body, 1918\"\nward2009,Ward et al. 2009\n"
MUSCLES = (
    "muscle_id,layer,heads,force_n,focus,parent_id,source_ids\n"
    "gastrocnemius,superficial,2,2241.5,true,,gray1918\n"
    "soleus,deep,1,3549,true,,gray1918;ward2009\n"
    "gastrocnemius_medial,superficial,1,,false,gastrocnemius,gray1918\n"
)


@pytest.fixture
def data_dir(tmp_path):
    (tmp_path / "datapackage.json").write_text(json.dumps(PACKAGE), encoding="utf-8")
    (tmp_path / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "muscles.csv").write_text(MUSCLES, encoding="utf-8")
    clear_cache()
    yield tmp_path
    clear_cache()


def write(data_dir, name, text):
    path = data_dir / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def error_for(data_dir) -> CourseDataError:
    with pytest.raises(CourseDataError) as info:
        load_course(data_dir)
    return info.value


def test_valid_tables_load_typed(data_dir):
    tables = load_course(data_dir)
    muscles = tables["muscles"]
    assert list(muscles["muscle_id"]) == ["gastrocnemius", "soleus", "gastrocnemius_medial"]
    assert str(muscles["heads"].dtype) == "Int64"
    assert muscles["force_n"].dtype == "float64"
    assert str(muscles["focus"].dtype) == "boolean"
    assert pd.isna(muscles.loc[2, "force_n"])
    assert muscles.loc[1, "source_ids"] == ("gray1918", "ward2009")
    assert pd.api.types.is_string_dtype(muscles["layer"])
    assert source_line(muscles, 1) == 3


def test_load_is_cached_and_returns_independent_frames(data_dir):
    first = load_course(data_dir)
    first["muscles"]["layer"] = "changed"
    second = load_course(data_dir)
    assert second["muscles"].loc[0, "layer"] == "superficial"
    write(data_dir, "muscles.csv", "garbage")
    assert len(load_course(data_dir)["muscles"]) == 3  # cached: files are read once per process


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("COURSE_CACHE_DIR", str(folder))
    return folder


def test_checked_tables_are_cached_on_disk_and_reload_identically(data_dir, cache):
    first = load_course(data_dir)
    files = list(cache.glob("tables-*.pickle"))
    assert len(files) == 1 and cache_dir() == cache
    clear_cache()
    again = load_course(data_dir)
    for name, df in first.items():
        pd.testing.assert_frame_equal(again[name], df)
    assert source_line(again["muscles"], 1) == 3


def test_a_changed_file_is_checked_again_not_read_from_the_cache(data_dir, cache):
    load_course(data_dir)
    clear_cache()
    write(data_dir, "muscles.csv", MUSCLES.replace("superficial,2", "middle,2"))
    err = error_for(data_dir)
    assert err.file == "muscles.csv" and err.column == "layer"


def test_a_damaged_cache_file_is_replaced(data_dir, cache):
    load_course(data_dir)
    clear_cache()
    (stale,) = cache.glob("tables-*.pickle")
    stale.write_bytes(b"not a pickle")
    assert list(load_course(data_dir)["muscles"]["muscle_id"])[0] == "gastrocnemius"
    clear_cache()
    assert list(load_course(data_dir)["muscles"]["muscle_id"])[0] == "gastrocnemius"
    assert stale.read_bytes()[:1] == b"\x80"  # rewritten as a pickle


def test_an_unwritable_cache_folder_only_means_no_cache(data_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("COURSE_CACHE_DIR", str(blocker / "cache"))
    assert len(load_course(data_dir)["muscles"]) == 3


def test_missing_file(data_dir):
    (data_dir / "muscles.csv").unlink()
    err = error_for(data_dir)
    assert err.file == "muscles.csv" and "missing" in str(err)


def test_missing_datapackage(data_dir):
    (data_dir / "datapackage.json").unlink()
    assert "datapackage.json" in str(error_for(data_dir))


def test_empty_file(data_dir):
    write(data_dir, "muscles.csv", "")
    err = error_for(data_dir)
    assert err.file == "muscles.csv" and "empty" in str(err) and "header" in str(err)


def test_missing_column(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace(",focus", "", 1).replace(",true,", ",").replace(",false,", ","))
    err = error_for(data_dir)
    assert (err.file, err.line, err.column) == ("muscles.csv", 1, "focus")
    assert "missing" in str(err)


def test_unexpected_column(data_dir):
    lines = MUSCLES.splitlines()
    text = "\n".join([lines[0] + ",colour"] + [ln + ",red" for ln in lines[1:]]) + "\n"
    write(data_dir, "muscles.csv", text)
    err = error_for(data_dir)
    assert (err.line, err.column) == (1, "colour")
    assert "unexpected" in str(err)


def test_wrong_type(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("soleus,deep,1,3549", "soleus,deep,one,3549"))
    err = error_for(data_dir)
    assert (err.file, err.line, err.column, err.value) == ("muscles.csv", 3, "heads", "one")
    assert "integer" in err.expected


def test_wrong_number_and_boolean(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("3549", "3.5.49"))
    err = error_for(data_dir)
    assert (err.line, err.column) == (3, "force_n") and "N" in err.expected
    clear_cache()
    write(data_dir, "muscles.csv", MUSCLES.replace("true", "yes", 1))
    err = error_for(data_dir)
    assert (err.line, err.column, err.value) == (2, "focus", "yes")


def test_value_outside_allowed_set(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("soleus,deep", "soleus,middle"))
    err = error_for(data_dir)
    assert (err.line, err.column, err.value) == (3, "layer", "middle")
    assert "superficial" in err.expected and "deep" in err.expected


def test_number_out_of_range(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("gastrocnemius,superficial,2", "gastrocnemius,superficial,7"))
    err = error_for(data_dir)
    assert (err.line, err.column) == (2, "heads") and "between 1 and 4" in err.expected


def test_pattern(data_dir):
    write(data_dir, "sources.csv", SOURCES + "Bad Id,Someone\n")
    err = error_for(data_dir)
    assert (err.file, err.line, err.column, err.value) == ("sources.csv", 4, "source_id", "Bad Id")


def test_blank_required_cell(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("soleus,deep", "soleus,"))
    err = error_for(data_dir)
    assert (err.line, err.column) == (3, "layer") and "blank" in str(err)


def test_duplicate_id(data_dir):
    write(data_dir, "muscles.csv", MUSCLES + "soleus,deep,1,,true,,gray1918\n")
    err = error_for(data_dir)
    assert (err.line, err.column, err.value) == (5, "muscle_id", "soleus")
    assert "line 3" in str(err)


def test_unknown_source_id(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("gray1918;ward2009", "gray1918;grey1918"))
    err = error_for(data_dir)
    assert (err.file, err.line, err.column, err.value) == ("muscles.csv", 3, "source_ids", "grey1918")
    assert "sources.csv" in err.expected


def test_unknown_self_reference(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace(",gastrocnemius,gray1918", ",gastrocnemus,gray1918"))
    err = error_for(data_dir)
    assert (err.line, err.column, err.value) == (4, "parent_id", "gastrocnemus")


def test_not_utf8(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.encode("utf-8") + "plantaris,deep,1,,true,,gray1918 \u00e9\n".encode("latin-1"))
    err = error_for(data_dir)
    assert (err.file, err.line) == ("muscles.csv", 5) and "UTF-8" in str(err)


def test_stray_delimiter_shifts_columns(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("soleus,deep,1,3549", "soleus,deep,1,3,549"))
    err = error_for(data_dir)
    assert (err.file, err.line) == ("muscles.csv", 3)
    assert "8 cells" in str(err) and "7 columns" in str(err) and "quotes" in err.expected


def test_line_numbers_count_quoted_newlines(data_dir):
    write(data_dir, "sources.csv", 'source_id,citation\ngray1918,"Gray H.\nAnatomy"\nward2009,\n')
    err = error_for(data_dir)
    assert (err.line, err.column) == (4, "citation")


def test_blank_lines_are_ignored(data_dir):
    write(data_dir, "muscles.csv", MUSCLES + "\n\n")
    assert len(load_course(data_dir)["muscles"]) == 3


def test_message_reads_as_a_sentence(data_dir):
    write(data_dir, "muscles.csv", MUSCLES.replace("soleus,deep", "soleus,middle"))
    message = str(error_for(data_dir))
    assert message.startswith("muscles.csv, line 3, column 'layer': ")
    assert "'middle'" in message and "expected one of: superficial, deep" in message


def test_copy_of_course_data_validates(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(default_data_dir(), copy)
    clear_cache()
    tables = load_course(copy)
    assert set(tables) == {r.name for r in read_package(copy)}


def test_course_data_loads_and_every_table_cites_sources():
    tables = load_course()
    for name, df in tables.items():
        assert len(df) > 0, f"{name} is empty"
    assert {"sources", "muscles", "compartments", "boundaries", "attachments", "actions",
            "bones", "landmarks", "glossary", "discrepancies"} <= set(tables)
    for name in ("muscles", "compartments", "boundaries", "attachments", "actions", "glossary",
                 "discrepancies"):
        assert tables[name]["source_ids"].map(len).min() >= 1, name


def test_every_column_is_described():
    for resource in read_package():
        for f in resource.fields:
            assert f.description.strip(), f"{resource.name}.{f.name} has no description"


def test_every_plantaris_count_says_what_it_counted():
    st = load_course()["plantaris_studies"]
    counted = st[st["limbs_examined"].notna() | st["limbs_absent"].notna()]
    assert counted["sample_unit"].notna().all(), counted.loc[counted["sample_unit"].isna(), "study_id"].tolist()
    assert st.loc[st["limbs_examined"].isna() & st["limbs_absent"].isna(), "sample_unit"].isna().all()


def test_every_model_is_the_file_its_numbers_were_derived_from():
    tables = load_course()
    models = tables["models"]
    provenance = tables["provenance"].set_index("resource")
    for resource in ("muscle_geometry", "muscle_parameters"):
        inputs = {path.removeprefix("opensim-models/") for path in provenance.loc[resource, "inputs"]}
        assert set(models["model_file"]) == inputs, resource
        assert set(tables[resource]["model"]) == set(models["model_id"]), resource
