from datetime import datetime, timedelta, timezone

from kabar_tui.core.model import Article, Paragraph, Quote
from kabar_tui.present.citation import cite_passage, cite_quote, source_line


def make_article(**extra) -> Article:
    return Article(
        id="a",
        path="a.txt",
        title="Banjir rendam Jakarta Utara",
        paragraphs=[Paragraph(0, '"Air naik sejak subuh," kata Budi, warga Penjaringan.', 1)],
        **extra,
    )


def test_quote_citation_names_speaker_outlet_and_date() -> None:
    article = make_article(
        outlet="Liputan6.com",
        published=datetime(2024, 1, 5, 8, 0, tzinfo=timezone(timedelta(hours=7))),
    )
    quote = Quote('"Air naik sejak subuh,"', "direct", "Budi", 0, 0, 23)
    assert cite_quote(quote, article) == (
        "\u201cAir naik sejak subuh,\u201d\n"
        "\u2014 Budi, Liputan6.com, Jan 5, 2024, \u201cBanjir rendam Jakarta Utara\u201d"
    )
    assert "5 Jan 2024" in cite_quote(quote, article, locale="id")


def test_resolved_speaker_name_is_preferred() -> None:
    quote = Quote("Air naik", "partial", "Budi", 0, 1, 9, speaker_canonical="Budi Santoso")
    assert "\u2014 Budi Santoso, " in cite_quote(quote, make_article())


def test_unknown_parts_are_left_out() -> None:
    assert source_line(make_article()) == "\u201cBanjir rendam Jakarta Utara\u201d"
    assert cite_passage(make_article(outlet="Tempo"), 0).endswith(
        "\n\u2014 Tempo, \u201cBanjir rendam Jakarta Utara\u201d"
    )
