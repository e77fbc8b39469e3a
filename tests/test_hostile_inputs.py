"""Hostile and unlucky input (issue 12): nothing a file holds reaches the terminal as a
control, no file name crashes or merges articles, odd encodings and line ends are read,
skipped folders are named, and a closed pipe is a quiet success.

The reader's views get the same corpus in tests/ui/test_hostile_views.py; the catalogue of
cases and their results is docs/hostile-inputs.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kabar_tui.cli import common, list_cmd, main, quotes_cmd, related_cmd, search_cmd, show_cmd
from kabar_tui.core.indexing.pipeline import build_corpus, process_source
from kabar_tui.core.ingest import sources
from kabar_tui.core.ingest.sources import Source, article_ids, discover, read_source
from kabar_tui.core.model import (
    Article,
    Caption,
    Corpus,
    Edit,
    Mention,
    Paragraph,
    Quote,
    RemovedLine,
)
from kabar_tui.core.safe import safe_record, strip_escapes, visible
from tests.hostile_files import (
    ATTACK_LINE,
    BODY,
    CONTROL,
    HOSTILE_NAMES,
    escapes_article,
    plain_article,
    write_hostile_corpus,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hostile() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kabar-hostile-") as folder:
        yield write_hostile_corpus(Path(folder))


@pytest.fixture(scope="module")
def hostile_corpus(hostile: Path) -> Corpus:
    return build_corpus([hostile], cache=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def strings_in(value: object) -> Iterator[str]:
    """Every string inside records, lists, tuples and dicts."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from strings_in(getattr(value, field.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(key)
            yield from strings_in(item)


def with_path(command: tuple[str, ...], path: Path) -> list[str]:
    """The command's words with the corpus folder before its first option."""
    cut = next((i for i, word in enumerate(command) if word.startswith("--")), len(command))
    return [*command[:cut], str(path), *command[cut:]]


def unsafe(text: str, allowed: str = "\n") -> list[str]:
    return [repr(c) for c in CONTROL.findall(text) if c not in allowed]


# --- 1. One boundary: nothing from a file reaches the output as a control -----------------


def test_every_string_the_core_hands_out_is_safe(hostile_corpus: Corpus) -> None:
    assert len(hostile_corpus.articles) == 10 and len(hostile_corpus.problems) == 1
    found = [s for s in strings_in(hostile_corpus) if CONTROL.search(s)]
    assert found == []


def test_a_removed_line_of_escapes_is_kept_and_shown_visibly(hostile_corpus: Corpus) -> None:
    article = hostile_corpus.article("escapes")
    assert article is not None
    removed = [r.text for r in article.removed if r.reason == "invisible characters"]
    assert visible(ATTACK_LINE) in removed  # nothing lost: every escape shown as `␛`
    assert "␛]52;c;" in visible(ATTACK_LINE) and "\x1b" not in visible(ATTACK_LINE)


def test_prose_loses_escapes_and_bidi_overrides_but_no_words(hostile_corpus: Corpus) -> None:
    article = hostile_corpus.article("escapes")
    assert article is not None
    assert article.title == "Harga Beras Naik Lagi di Pasar Jakarta Pekan Ini"
    assert article.author == "Budi Santoso"
    assert [p.text for p in article.paragraphs] == BODY
    assert [c.credit for c in article.captions] == ["ANTARA/Aditya"]


def test_safe_record_reaches_every_string_of_an_article() -> None:
    bad = "\x1b]0;x\x07\u202e"
    article = Article(
        bad, bad, bad, [Paragraph(0, bad, 1)], False, bad, bad, bad, None, bad, bad,
        captions=[Caption(bad, bad, 2)],
        removed=[RemovedLine(3, bad, bad)],
        edits=[Edit(4, bad, bad)],
        content_hash=bad,
        entities=[Mention(bad, bad, 0, 0, 1, bad)],
        quotes=[Quote(bad, bad, bad, 0, 0, 1, bad, bad)],
    )  # fmt: skip
    assert sum(1 for _ in strings_in(article)) == 24
    safe_record(article)
    assert [s for s in strings_in(article) if CONTROL.search(s)] == []
    assert article.title == visible(bad) == "␛]0;x␇�"


@pytest.mark.parametrize(
    ("raw", "stripped"),
    [
        ("a\x1b[31mb\x1b[0mc", "abc"),  # CSI
        ("a\x1b]0;title\x07b", "ab"),  # OSC ended by BEL
        ("a\x1b]52;c;eA==\x1b\\b", "ab"),  # OSC ended by ST
        ("a\x1bP+q544e\x1b\\b", "ab"),  # DCS
        ("a\x1b_payload\x1b\\b", "ab"),  # APC
        ("a\x9b2Jb", "ab"),  # 8-bit CSI
        ("a\x9d0;t\x9cb", "ab"),  # 8-bit OSC
        ("a\x1b(Bb\x1bcc", "abc"),  # charset selection, full reset
        ("a\u202eb\u2066c\u2069", "abc"),  # bidi overrides and isolates
        ("a\x00b\x7fc\x85d", "abcd"),
    ],
)
def test_strip_escapes(raw: str, stripped: str) -> None:
    assert strip_escapes(raw) == stripped


def test_visible_keeps_length_so_offsets_stay_right() -> None:
    raw = "\x1b[2J\x00\x7f\x9b\u202e\u2028\udcff\t\n ok"
    shown = visible(raw)
    assert len(shown) == len(raw) and not CONTROL.search(shown)
    assert shown.startswith("␛[2J␀␡") and shown.endswith("␉␊ ok")


PIPED = [
    ("list",),
    ("show", "escapes", "--removed"),
    ("show", "judul", "--removed"),  # a prefix of a name full of escapes
    ("export",),
    ("export", "--format", "jsonl"),
    ("entities",),
    ("quotes",),
    ("search", "beras"),
    ("search", "judul"),
    ("search", "beras", "--json"),
    ("related", "escapes"),
    ("related", "okezone"),
    ("index", "--no-cache"),
]


@pytest.mark.parametrize("command", PIPED, ids=" ".join)
def test_piped_output_has_no_control_characters(capsys, hostile: Path, command) -> None:
    code, out, err = run(capsys, *with_path(command, hostile))
    assert code == 0, err
    allowed = "\n" if command[0] in ("export", "show", "index") or "--json" in command else "\n\t"
    assert unsafe(out, allowed) == [] and unsafe(err) == []
    assert "skipped: binary" in err  # the problem line names the file, visibly
    if command[0] == "export" or "--json" in command:
        decoded = [json.loads(line) for line in out.splitlines()] if "jsonl" in command else []
        decoded = decoded or [json.loads(out)]
        assert [s for s in strings_in(decoded) if CONTROL.search(s)] == []


TABLES = [
    (list_cmd, ("list",)),
    (show_cmd, ("show", "escapes", "--removed")),
    (quotes_cmd, ("quotes",)),
    (search_cmd, ("search", "judul")),
    (related_cmd, ("related", "escapes")),
]


@pytest.mark.parametrize(("module", "command"), TABLES, ids=lambda v: getattr(v, "__name__", ""))
def test_terminal_tables_have_no_control_characters(
    capsys, monkeypatch, hostile: Path, module, command
) -> None:
    monkeypatch.setattr(module, "stdout_is_terminal", lambda: True)
    code, out, err = run(capsys, *with_path(command, hostile))
    assert code == 0, err
    assert unsafe(out) == [] and unsafe(err) == []


def test_analyze_shows_controls_of_its_input_visibly(capsys, tmp_path: Path) -> None:
    passages = tmp_path / "passages.txt"
    passages.write_text(escapes_article(), encoding="utf-8")
    code, out, _ = run(capsys, "analyze", str(passages))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [s for s in strings_in(records) if CONTROL.search(s)] == []
    for record in records:  # offsets still point at the entity's text
        for entity in record["entities"]:
            assert record["text"][entity["start"] : entity["end"]] == entity["text"]


# --- 2. File names with controls -----------------------------------------------------------


def test_list_is_one_row_of_four_columns_per_article_whatever_the_names(
    capsys, hostile: Path
) -> None:
    code, out, _ = run(capsys, "list", str(hostile))
    assert code == 0
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 10 and all(len(row) == 4 for row in rows)
    ids = {row[0] for row in rows}
    assert {visible(name) for name in HOSTILE_NAMES.values()} <= ids
    assert "baris␊baru" in ids and "kolom␉dua" in ids


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_hostile_file_name_is_shown_visibly_in_problems(capsys, tmp_path: Path, case) -> None:
    name = HOSTILE_NAMES[case]
    (tmp_path / f"{name}.txt").write_bytes(b"\x89PNG\x00\xff")
    (tmp_path / "good.txt").write_text(plain_article("Judul berita yang baik sekali"))
    code, out, err = run(capsys, "quotes", str(tmp_path))
    assert code == 0
    assert unsafe(out, "\n\t") == [] and unsafe(err) == []
    assert visible(name) in err


# --- 3. File names that are not UTF-8 ------------------------------------------------------


def _undecodable_corpus(root: Path) -> Path:
    folder = root / "latin1"
    folder.mkdir()
    for raw in (b"caf\xe9", b"na\xefve", b"\xff\xfe"):
        with open(os.path.join(os.fsencode(folder), raw + b".txt"), "wb") as handle:
            handle.write(plain_article("Berita dengan nama berkas Latin-1 yang aneh").encode())
    return folder


@pytest.mark.parametrize(
    "command", [("list",), ("show", "caf"), ("export",), ("quotes",), ("index",)], ids=" ".join
)
def test_undecodable_file_names_work_with_the_cache(
    capsys, private_cache, tmp_path: Path, command
) -> None:
    folder = _undecodable_corpus(tmp_path)
    for _ in range(2):  # first run fills the cache, the second reads from it
        code, out, err = run(capsys, *with_path(command, folder))
        assert code == 0, err
        assert "Traceback" not in err and unsafe(out, "\n\t") == []


def test_undecodable_path_key_round_trips(tmp_path: Path) -> None:
    folder = _undecodable_corpus(tmp_path)
    files, _ = discover([folder])
    keys = [sources.path_key(file) for file in files]
    assert len(set(keys)) == 3
    for file, key in zip(files, keys, strict=True):
        key.encode("utf-8")  # text any encoder takes
        assert sources.key_path(key) == file
        assert "\ufffd" in sources.display_path(key)
    plain = tmp_path / "plain name.txt"
    assert sources.path_key(plain) == str(plain)  # ordinary paths stay as they are


# --- 4. One file name in two folders -------------------------------------------------------


def _two_outlets(root: Path) -> Path:
    corpus = root / "corpus"
    for outlet in ("okezone", "antara"):
        (corpus / outlet).mkdir(parents=True)
        (corpus / outlet / "0001.txt").write_text(
            plain_article(f"Harga beras naik menurut laporan {outlet.title()} hari ini"),
            encoding="utf-8",
        )
    return corpus


def test_same_file_name_in_two_folders_gets_two_ids_and_both_are_linked(
    tmp_path: Path,
) -> None:
    corpus = build_corpus([_two_outlets(tmp_path)], cache=False)
    assert sorted(a.id for a in corpus.articles) == ["antara/0001", "okezone/0001"]
    linked = {(link.source_article, link.target_article) for link in corpus.links}
    assert ("antara/0001", "okezone/0001") in linked or ("okezone/0001", "antara/0001") in linked
    assert [sorted(story.articles) for story in corpus.stories] == [["antara/0001", "okezone/0001"]]


def test_ids_are_stable_and_follow_a_cached_article_when_a_namesake_arrives(
    private_cache, tmp_path: Path
) -> None:
    corpus_folder = tmp_path / "corpus"
    (corpus_folder / "okezone").mkdir(parents=True)
    (corpus_folder / "okezone" / "0001.txt").write_text(plain_article("Harga beras naik lagi"))
    assert [a.id for a in build_corpus([corpus_folder]).articles] == ["0001"]
    (corpus_folder / "antara").mkdir()
    (corpus_folder / "antara" / "0001.txt").write_text(plain_article("Harga beras naik pula"))
    first = sorted(a.id for a in build_corpus([corpus_folder]).articles)  # okezone cached
    second = sorted(a.id for a in build_corpus([corpus_folder]).articles)  # all cached
    assert first == second == ["antara/0001", "okezone/0001"]


def test_names_that_differ_only_invisibly_still_get_two_ids() -> None:
    # Both bidi controls show as `�`: even the full paths read the same, so a hash decides.
    twins = [Path("/a/x/berita\u202e.txt"), Path("/a/x/berita\u202d.txt")]
    ids = article_ids(
        [*twins, Path("/b/x/berita.txt"), Path("/n/x\x01/1.txt"), Path("/n/x\x02/1.txt")]
    )
    assert len(set(ids)) == len(ids)
    assert ids[0].startswith("a/x/berita�~") and ids[1].startswith("a/x/berita�~")
    assert ids[3:] == ["x␁/1", "x␂/1"]
    assert article_ids([Path("/o/0001.txt"), Path("/p/q/0001.txt")]) == ["o/0001", "q/0001"]


def test_show_and_related_take_a_unique_prefix_and_name_the_candidates(
    capsys, tmp_path: Path
) -> None:
    corpus = _two_outlets(tmp_path)
    code, out, _ = run(capsys, "show", "okez", str(corpus))
    assert code == 0 and "Okezone" in out
    code, _, _ = run(capsys, "related", "anta", str(corpus))
    assert code == 0
    code, _, err = run(capsys, "show", "", str(corpus))
    assert code == 1
    assert err.strip() == (
        "kabar: error: '' is the start of 2 article ids: antara/0001, okezone/0001"
    )
    code, _, err = run(capsys, "related", "zzz", str(corpus))
    assert code == 1 and "no article with id 'zzz'" in err


def test_ambiguous_prefix_lists_at_most_ten_candidates(capsys, tmp_path: Path) -> None:
    for n in range(12):
        (tmp_path / f"berita-{n:02}.txt").write_text(plain_article(f"Judul berita nomor {n}"))
    code, _, err = run(capsys, "show", "berita", str(tmp_path))
    assert code == 1 and err.count("berita-") == common.CANDIDATES_SHOWN
    assert err.rstrip().endswith(", …")


# --- 5. Line ends and encodings ------------------------------------------------------------

MAC_ARTICLE = "\r".join(
    [
        "Harga Beras Naik Lagi di Pasar Induk Jakarta",
        "Penulis: Budi Santoso",
        "Senin, 18 September 2023 10:30 WIB",
        "",
        *BODY,
    ]
)


def test_old_mac_line_ends_keep_paragraphs_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "mac.txt"
    path.write_bytes(MAC_ARTICLE.encode())
    source = read_source(path)
    assert isinstance(source, Source)
    article = process_source(source)
    assert article.title == "Harga Beras Naik Lagi di Pasar Induk Jakarta"
    assert [p.text for p in article.paragraphs] == BODY
    assert article.author == "Budi Santoso"
    assert article.published == datetime.fromisoformat("2023-09-18T10:30:00+07:00")
    assert article.dateline == "JAKARTA"


def test_a_stray_cr_inside_lf_lines_does_not_split_them(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes(b"Judul Berita\n\nSatu\rdua tiga.\nEmpat lima.\n")
    source = read_source(path)
    assert isinstance(source, Source) and source.text.count("\n") == 4


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path: Path, encoding: str) -> None:
    text = plain_article("Harga Beras Naik Lagi di Pasar Induk Jakarta")
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = tmp_path / "wide.txt"
    path.write_bytes(data)
    source = read_source(path)
    assert isinstance(source, Source), source
    assert [p.text for p in process_source(source).paragraphs] == BODY


def test_a_stray_nul_byte_does_not_make_a_file_binary(tmp_path: Path) -> None:
    path = tmp_path / "nul.txt"
    path.write_bytes(plain_article("Judul\x00 Berita Harga Beras Naik").encode())
    source = read_source(path)
    assert isinstance(source, Source), source
    article = process_source(source)
    assert article.title == "Judul Berita Harga Beras Naik"
    assert [p.text for p in article.paragraphs] == BODY


def test_utf16_without_a_bom_and_real_binaries_are_still_skipped(tmp_path: Path) -> None:
    (tmp_path / "nobom.txt").write_bytes(plain_article("Judul berita").encode("utf-16-le"))
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    for name in ("nobom.txt", "image.txt"):
        result = read_source(tmp_path / name)
        assert not isinstance(result, Source) and "binary" in result.message


# --- 6. Folders that cannot be read --------------------------------------------------------


def test_too_deep_folder_is_named_in_a_warning(tmp_path: Path) -> None:
    """A real tree deeper than PATH_MAX: made through folder handles, as `mkdir -p` can't."""
    (tmp_path / "top.txt").write_text(plain_article("Judul berita di atas"))
    step = "d" * 200
    handle = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(25):  # 25 x 201 characters: past Linux's 4096
            os.mkdir(step, dir_fd=handle)
            deeper = os.open(step, os.O_RDONLY, dir_fd=handle)
            os.close(handle)
            handle = deeper
        os.close(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=handle))
    finally:
        os.close(handle)
    files, problems = discover([tmp_path])
    assert [f.name for f in files] == ["top.txt"]
    assert len(problems) == 1 and "nested too deep" in problems[0].message


def test_unreadable_folder_is_named_in_a_warning(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.txt").write_text(plain_article("Judul berita terbuka"))
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(plain_article("Judul berita terkunci"))
    if os.geteuid() == 0:  # root reads any folder: make the refusal the OS would give
        real_scandir = os.scandir

        def refusing(path):
            if str(path).endswith("locked"):
                raise PermissionError(errno.EACCES, "Permission denied", path)
            return real_scandir(path)

        monkeypatch.setattr(sources.os, "scandir", refusing)
    else:
        (tmp_path / "locked").chmod(0)
    try:
        files, problems = discover([tmp_path])
    finally:
        (tmp_path / "locked").chmod(0o700)
    assert [f.name for f in files] == ["a.txt"]
    assert [p.message for p in problems] == ["skipped: cannot read (Permission denied)"]
    assert problems[0].path.endswith("locked")


# --- 7. A reader that goes away ------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [("show", "000_59e454f0b43af36c", "--removed"), ("list",), ("export",)]
)
def test_closed_pipe_is_a_quiet_success(command) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already quit
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kabar_tui", *command],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, b"")


# --- 9. Generated cases --------------------------------------------------------------------

NAME_BYTES = st.binary(min_size=1, max_size=40).filter(
    lambda name: b"/" not in name and b"\x00" not in name and name not in (b".", b"..")
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAME_BYTES)
def test_any_file_name_lists_as_one_safe_row(capsys, name: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(os.fsencode(folder), name + b".txt"), "wb") as handle:
            handle.write(plain_article("Harga Beras Naik Lagi di Pasar Induk").encode())
        code, out, err = run(capsys, "list", folder)
    assert code == 0, err
    rows = [line.split("\t") for line in out.splitlines()]
    assert len(rows) == 1 and len(rows[0]) == 4
    assert unsafe(out, "\n\t") == [] and unsafe(err) == []


@settings(max_examples=40, deadline=None)
@given(name=NAME_BYTES)
def test_any_file_name_gives_a_safe_id_path_and_problem(name: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        good = os.path.join(os.fsencode(folder), name + b".txt")
        with open(good, "wb") as handle:
            handle.write(plain_article("Harga Beras Naik Lagi di Pasar Induk").encode())
        with open(os.path.join(os.fsencode(folder), name + b"-bin.txt"), "wb") as handle:
            handle.write(b"\x89PNG\x00\xff")
        corpus = build_corpus([folder], cache=False)
    assert len(corpus.articles) == 1 and len(corpus.problems) == 1
    found = [s for s in strings_in(corpus) if CONTROL.search(s)]
    assert found == []


PIECES = st.sampled_from(
    [
        "\x1b[2J",
        "\x1b]52;c;eA==\x07",
        "\x1b]0;t\x1b\\",
        "\x1bP+q\x1b\\",
        "\x9b1m",
        "\x1b",
        "\x07",
        "\x00",
        "\r",
        "\n",
        "\r\n",
        "\t",
        "\u202e",
        "\u2066",
        "\u2028",
        "\x85",
        "\ufeff",
        "Harga beras naik. ",
        "Penulis: Budi",
        '"Kami siap," kata Budi. ',
        "Jakarta",
        "é",
    ]
)
CONTENTS = st.one_of(
    st.lists(PIECES, min_size=1, max_size=40).map("".join).map(str.encode),
    st.binary(min_size=1, max_size=400),
    st.text(min_size=1, max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=150, deadline=None)
@given(data=CONTENTS, encoding=st.sampled_from(["raw", "utf-16", "utf-8-sig"]))
def test_any_content_is_read_or_refused_in_one_line_and_shown_safely(
    data: bytes, encoding: str
) -> None:
    if encoding != "raw":
        with contextlib.suppress(UnicodeError):
            data = data.decode("utf-8").encode(encoding)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_bytes(data)
        source = read_source(path)
    if not isinstance(source, Source):
        assert "\n" not in str(source) and not CONTROL.search(str(source))
        return
    article = process_source(source)
    assert [s for s in strings_in(article) if CONTROL.search(s)] == []
    for mention in article.entities:  # offsets still hold after the boundary
        text = article.paragraphs[mention.paragraph].text
        assert text[mention.start : mention.end] == mention.text


@settings(max_examples=60, deadline=None)
@given(
    folders=st.lists(
        st.lists(
            st.text(min_size=1, max_size=6).filter(lambda t: "/" not in t and t != "."), max_size=3
        ),
        min_size=2,
        max_size=6,
        unique_by=tuple,
    ),
    stem=st.text(min_size=1, max_size=8).filter(lambda t: "/" not in t),
)
def test_ids_are_unique_stable_and_safe(folders: list[list[str]], stem: str) -> None:
    files = [Path("/corpus", *parts, f"{stem}.txt") for parts in folders]
    ids = article_ids(files)
    assert len(set(ids)) == len(files)
    assert article_ids(files) == ids
    assert not any(CONTROL.search(i) for i in ids)
