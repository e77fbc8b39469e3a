"""Labels, removal reasons and kinds are StrEnums; the data files naming them are checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kabar_tui import cli
from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.core.ingest.boilerplate import LABELS, reason_rows
from kabar_tui.core.language.entities.gazetteer import curated_names
from kabar_tui.core.lexicon import DataFileError, Label, numbered_data_lines
from kabar_tui.core.model import LinkKind, QuoteKind, RemovalReason
from kabar_tui.core.search.query import KINDS, HitKind
from kabar_tui.core.search.search import SearchIndex
from kabar_tui.core.store.export import corpus_to_dict


def _data_folder(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return tmp_path


def test_members_are_the_strings_stored_and_exported() -> None:
    assert json.dumps([RemovalReason.RELATED_LINK_PROMO, QuoteKind.DIRECT]) == (
        '["related-link promo", "direct"]'
    )
    assert f"{LinkKind.SAME_TEXT}" == "same text"
    assert {"same quote": 1}[LinkKind.SAME_QUOTE] == 1  # hashes as its string
    assert KINDS == ("passage", "quote", "title", "entity")  # the stored kind codes
    assert HitKind("quote") is HitKind.QUOTE
    assert [str(label) for label in Label] == ["PER", "LOC", "ORG"]


def test_the_bundled_data_files_name_known_values() -> None:
    assert LABELS["iklan"] is RemovalReason.ADVERTISEMENT
    for name in ("labels.txt", "patterns.txt"):
        assert all(isinstance(reason, RemovalReason) for _, reason in reason_rows(name))
    assert all(isinstance(label, Label) for label, _, _ in curated_names())


def test_an_unknown_reason_in_labels_txt_names_the_file_line_and_allowed_values(
    tmp_path: Path,
) -> None:
    root = _data_folder(
        tmp_path, "labels.txt", "# label\treason\niklan\tadvertisement\n\nbaca\tpromo\n"
    )
    with pytest.raises(DataFileError) as raised:
        reason_rows("labels.txt", root)
    message = str(raised.value)
    assert f"{tmp_path / 'labels.txt'}, line 4: unknown removal reason 'promo'" in message
    assert "related-link promo" in message and "advertisement" in message


def test_an_unknown_reason_in_patterns_txt_is_refused(tmp_path: Path) -> None:
    root = _data_folder(tmp_path, "patterns.txt", "simak video\\b.*\tvideo promo\n©.*\tcopyrite\n")
    with pytest.raises(DataFileError, match=r"patterns\.txt, line 2: unknown removal reason"):
        reason_rows("patterns.txt", root)


def test_a_missing_reason_is_refused(tmp_path: Path) -> None:
    root = _data_folder(tmp_path, "labels.txt", "iklan\n")
    with pytest.raises(DataFileError, match="line 1: unknown removal reason ''"):
        reason_rows("labels.txt", root)


def test_an_unknown_label_in_the_gazetteer_names_the_file_and_line(tmp_path: Path) -> None:
    name = "entities/gazetteer.tsv"
    root = _data_folder(tmp_path, name, "LOC\tKorut\tKorea Utara\nPERSON\tBudi\n")
    with pytest.raises(DataFileError) as raised:
        curated_names(root)
    assert "gazetteer.tsv, line 2: unknown label 'PERSON' (allowed: PER, LOC, ORG)" in str(
        raised.value
    )
    good = _data_folder(tmp_path / "good", name, "LOC\tKorut\tKorea Utara\nPER\tBudi\n")
    assert curated_names(good) == [
        (Label.LOC, "Korut", "Korea Utara"),
        (Label.PER, "Budi", "Budi"),
    ]


def test_line_numbers_count_comments_and_blank_lines(tmp_path: Path) -> None:
    root = _data_folder(tmp_path, "x.txt", "# a\n\nfirst\n# b\nsecond\n")
    assert numbered_data_lines("x.txt", root) == [(3, "first"), (5, "second")]


def test_the_pipeline_makes_members_and_exports_their_strings() -> None:
    corpus = build_corpus(cache=False)  # the bundled seeds
    removed = [line.reason for article in corpus.articles for line in article.removed]
    quotes = [quote.kind for article in corpus.articles for quote in article.quotes]
    assert removed and quotes and corpus.links
    assert all(type(reason) is RemovalReason for reason in removed)
    assert all(type(kind) is QuoteKind for kind in quotes)
    assert all(type(link.kind) is LinkKind for link in corpus.links)
    mentions = [mention.label for article in corpus.articles for mention in article.entities]
    assert mentions and all(type(label) is Label for label in mentions)
    hits = SearchIndex.build(corpus).search("korea utara rusia")
    assert hits and all(type(hit.kind) is HitKind for hit in hits)
    exported = json.loads(json.dumps(corpus_to_dict(corpus)))
    assert {line["reason"] for article in exported["articles"] for line in article["removed"]} == {
        str(reason) for reason in removed
    }


def test_the_cli_says_a_bad_data_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _data_folder(tmp_path, "labels.txt", "iklan\tadvertisment\n")
    monkeypatch.setattr(cli, "_dispatch", lambda args: len(reason_rows("labels.txt", root)))
    assert cli.main(["list"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("kabar: error: ") and error.count("\n") == 1
    assert "labels.txt, line 1: unknown removal reason 'advertisment'" in error
