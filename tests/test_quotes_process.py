"""Quotation grouping in a spawned process (issue 14, docs/indexing.md "quotespawn"): the
numbers `quote_group_numbers` gives here, from quotations sent as texts or held packed;
the cross-article stage uses it, and gives the same results when it fails, dies, cannot
start or is left behind by an interruption."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from kabar_tui.core.corpus import quote_grouping
from kabar_tui.core.corpus.digest import CorpusDigest, held_back
from kabar_tui.core.corpus.quote_grouping import quote_group_numbers
from kabar_tui.core.corpus.quotes_process import SpawnedQuoteGroups
from kabar_tui.core.indexing import pipeline
from kabar_tui.core.indexing.pipeline import CorpusWork, SpawnMinimums, build_corpus
from kabar_tui.core.model import Article
from kabar_tui.core.processes import spawned
from kabar_tui.core.processes.spawned import CHUNK, ChildFailed
from kabar_tui.core.resources import seeds_dir
from tests.test_names_process import _first_index, _half_held, _rows, news  # noqa: F401

ONE_QUOTE = SpawnMinimums(quotes=1)  # quotations grouped in their process, however few

pytestmark = pytest.mark.usefixtures("cache_on")


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return build_corpus([seeds_dir()], cache=False).articles


def _many(articles: list[Article]) -> CorpusWork:
    """The seeds' digests repeated past one message (`CHUNK` articles), every other one
    let go of its rest: quotations sent as texts and as packed rests, in several chunks."""
    copies = CHUNK // len(articles) + 2
    work, _ = _half_held(articles * copies)
    return work


def test_quotation_groups_from_a_spawned_process_are_those_worked_out_here(
    articles: list[Article],
) -> None:
    digests = CorpusDigest.of(articles).articles
    here = quote_group_numbers(digests)
    assert len(set(here)) < len(here)  # some quotations grouped together
    for work in (_half_held(articles)[0], _many(articles)):
        whole = digests * (len(work.digest.articles) // len(articles))
        assert any(map(held_back, work.digest.articles))
        there = SpawnedQuoteGroups(len(work.digest.articles), pipeline._quotes_sent(work))
        assert there.pid != os.getpid()
        assert there.result() == quote_group_numbers(whole)
        there.cancel()


def test_a_quotation_process_that_fails_says_why_and_one_killed_says_so(
    articles: list[Article],
) -> None:
    damaged = SpawnedQuoteGroups(len(articles), [b"not a packed rest"] * len(articles))
    with pytest.raises(ChildFailed, match="DigestUnreadable"):
        damaged.result()
    work, _ = _half_held(articles)
    killed = SpawnedQuoteGroups(len(articles), pipeline._quotes_sent(work))
    os.kill(killed.pid, signal.SIGKILL)
    with pytest.raises(ChildFailed, match="exit code -9"):
        killed.result()
    killed.cancel()


def _spawns(monkeypatch: pytest.MonkeyPatch, kill: bool = False) -> list[int]:
    """The quotation processes the pipeline starts, by pid (`kill`: each killed at once,
    as by the out-of-memory killer)."""
    started: list[int] = []
    original = pipeline.SpawnedQuoteGroups

    def spawn(*args: object) -> SpawnedQuoteGroups:
        made = original(*args)  # type: ignore[arg-type]
        started.append(made.pid)
        if kill:
            os.kill(made.pid, signal.SIGKILL)
        return made

    monkeypatch.setattr(pipeline, "SpawnedQuoteGroups", spawn)
    return started


def _not_grouped_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_here(*args: object) -> None:
        raise AssertionError("quotations grouped in the main process")

    monkeypatch.setattr(quote_grouping, "quote_group_numbers", not_here)


def test_the_cross_article_stage_groups_quotations_in_a_spawned_process(
    articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its digests holding their quotations or holding them packed, with and without a
    link index handed on (names resolved here, as for a small corpus): the stage's results
    are those of grouping here, and nothing is grouped here."""
    alone = repr(pipeline.finish_digest(CorpusDigest.of(articles)))
    started = _spawns(monkeypatch)
    _not_grouped_here(monkeypatch)
    for on_linked in (None, lambda index: None):
        found = pipeline.finish_digest(
            CorpusDigest.of(articles), on_linked=on_linked, spawn_min=ONE_QUOTE
        )
        assert repr(found) == alone
        work, _ = _half_held(articles)
        found = pipeline.finish_digest(
            work.digest, on_linked=on_linked, read_rest=work.read_rest, spawn_min=ONE_QUOTE
        )
        assert repr(found) == alone
    assert len(started) == 4
    assert not any(Path(f"/proc/{pid}").exists() for pid in started)  # reaped


def test_below_spawn_min_quotes_quotations_are_grouped_here(articles: list[Article]) -> None:
    work = CorpusWork(CorpusDigest.of(articles))
    assert sum(len(a.quotes) for a in work.digest.articles) < SpawnMinimums().quotes
    pipeline._start_quote_grouping(work)
    assert work.quote_numbers is None
    held, _ = _half_held(articles)
    pipeline._start_quote_grouping(held)
    assert held.quote_numbers is None  # fewer articles than `SpawnMinimums.quotes`


@pytest.mark.parametrize("ending", ["killed", "failed", "not started"])
def test_quotations_are_grouped_here_when_their_process_dies_fails_or_cannot_start(
    articles: list[Article], monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    alone = repr(pipeline.finish_digest(CorpusDigest.of(articles)))
    started = _spawns(monkeypatch, kill=ending == "killed")
    if ending == "failed":
        monkeypatch.setattr(spawned, "_CHILD", "raise SystemExit('no quotations here')")
    if ending == "not started":
        monkeypatch.setattr(spawned.sys, "executable", "/nonexistent/python")
    for on_linked in (None, lambda index: None):
        work, _ = _half_held(articles)
        found = pipeline.finish_digest(
            work.digest, on_linked=on_linked, read_rest=work.read_rest, spawn_min=ONE_QUOTE
        )
        assert repr(found) == alone
    assert len(started) == (0 if ending == "not started" else 2)


@pytest.fixture(scope="module")
def here_rows(news: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:  # noqa: F811
    """The rows of a first index grouping its quotations where names are resolved."""
    here = tmp_path_factory.mktemp("quotes") / "here.sqlite3"
    _first_index(news, here)
    return _rows(here)


@pytest.mark.parametrize("ending", ["killed", "spawned"])
def test_a_first_index_stores_the_same_rows_with_quotations_grouped_apart(
    news: Path,  # noqa: F811
    here_rows: dict,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ending: str,
) -> None:
    """A first index (digests held packed, the link index stored meanwhile) whose
    quotations are grouped in a spawned process, or whose process is killed: the rows of
    one grouping them where names are resolved."""
    started = _spawns(monkeypatch, kill=ending == "killed")
    if ending == "spawned":
        _not_grouped_here(monkeypatch)
    path = tmp_path / f"{ending}.sqlite3"
    _first_index(news, path, spawn_min=ONE_QUOTE)
    assert len(started) == 1
    found = _rows(path)
    assert found["quote_groups"] and found["quote_occurrences"]
    assert found == here_rows


def test_the_quotation_process_goes_when_the_stage_is_interrupted(
    articles: list[Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while linking (before names ask for the numbers): the interruption comes
    through and the quotation process is ended and reaped."""
    started = _spawns(monkeypatch)

    def interrupted(work: CorpusWork) -> None:
        raise KeyboardInterrupt

    stages = (pipeline.CORPUS_STAGES[0], ("link", interrupted), *pipeline.CORPUS_STAGES[2:])
    with pytest.raises(KeyboardInterrupt):
        pipeline.finish_digest(CorpusDigest.of(articles), stages, spawn_min=ONE_QUOTE)
    assert len(started) == 1
    assert not Path(f"/proc/{started[0]}").exists()
