from __future__ import annotations

from pathlib import Path

import pytest

from handlers.form.definition import DEFAULT_FORM, FormDefinitionError, load_form

CATS = frozenset({"tamu", "mitra", "peserta", "lainnya"})


def test_the_shipped_form_loads_with_both_languages() -> None:
    form = load_form(None, CATS)
    assert [f.name for f in form.fields][:3] == ["full_name", "id_number", "institution"]
    for field in form.fields:
        assert field.prompt["id"] and field.prompt["en"]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "form.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda s: s.replace('type = "email"', 'type = "mystery"'), "unknown type"),
        (lambda s: s.replace('name = "phone"', 'name = "email"'), "fields named twice"),
        (lambda s: s.replace('en = "Full name"', 'en = ""'), "needs non-empty texts"),
        (
            lambda s: s + '\n[[fields]]\nname = "x"\ntype = "text"\ncategories = ["alien"]\n',
            "categories",
        ),
        (lambda s: s.replace("min = 10\nmax = 500", "min = 600\nmax = 500"), "larger than"),
        (lambda s: s.replace("[[fields]]", "[[fields", 1), "form.toml"),
        (lambda s: s.replace("max = 10\n", "max = 25\n"), "20 MB"),
    ],
)
def test_a_broken_form_file_names_the_problem(tmp_path: Path, mutation, message: str) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, mutation(DEFAULT_FORM.read_text(encoding="utf-8")))
    with pytest.raises(FormDefinitionError, match=message):
        load_form(path, CATS)


def test_a_missing_form_file(tmp_path: Path) -> None:
    with pytest.raises(FormDefinitionError, match="file not found"):
        load_form(tmp_path / "nope.toml", CATS)
