from __future__ import annotations

from bot.texts.catalog import Catalog, Markup, placeholders


def test_both_languages_have_the_same_keys_and_parameters() -> None:
    catalog = Catalog.load()
    assert set(catalog.texts["id"]) == set(catalog.texts["en"])
    for key, text in catalog.texts["id"].items():
        assert placeholders(text) == placeholders(catalog.texts["en"][key]), key


def test_parameters_are_escaped_unless_markup() -> None:
    catalog = Catalog.load()
    text = catalog.t("id", "category.chosen", category="<script>&")
    assert "&lt;script&gt;&amp;" in text
    assert "<b>" in catalog.t("id", "category.chosen", category=Markup("<b>x</b>"))


def test_indonesian_dates() -> None:
    from datetime import date

    catalog = Catalog.load()
    assert catalog.long_date("id", date(2026, 12, 7)) == "Senin, 7 Desember 2026"
    assert catalog.long_date("en", date(2026, 12, 7)) == "Monday, 7 December 2026"
