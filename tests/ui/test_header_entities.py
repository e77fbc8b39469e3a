"""Entities in the title and captions carry the entity styles paragraphs use."""

from __future__ import annotations

import pytest
from rich.segment import Segment
from rich.style import Style

from kabar_tui.core.indexing.pipeline import build_corpus
from kabar_tui.ui.app import KabarApp
from kabar_tui.ui.widgets import article_view
from kabar_tui.ui.widgets.article_view import ArticleView


def styled_spans(view: ArticleView, lines: int) -> list[list[Segment]]:
    """The segments of the first `lines` drawn lines."""
    return [list(view.render_line(y)) for y in range(lines)]


def carries(segment: Segment, style: Style) -> bool:
    """The segment is drawn with every attribute of `style`."""
    return segment.style is not None and segment.style + style == segment.style


def text_with(lines: list[list[Segment]], line: int, style: Style) -> list[str]:
    return [s.text for s in lines[line] if s.text.strip() and carries(s, style)]


async def open_seed() -> None:
    corpus = build_corpus()
    seed = next(a for a in corpus.articles if a.title.startswith("Kim Jong-un Diskusikan"))
    app = KabarApp(corpus=corpus)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.jump(seed.id, 0)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.reader.view
        per = view.get_component_rich_style("article-view--entity-per", partial=True)
        loc = view.get_component_rich_style("article-view--entity-loc", partial=True)
        lines = styled_spans(view, 12)
        title = "".join(s.text for s in lines[0])
        assert "Kim Jong-un Diskusikan" in title
        assert "".join(text_with(lines, 0, per)) == "Kim Jong-un"
        assert "".join(text_with(lines, 0, loc)) == "Rusia"
        header = next(
            n for n, line in enumerate(lines) if not "".join(s.text for s in line).strip()
        )
        caption = next(n for n in range(header) if "Photo:" in "".join(s.text for s in lines[n]))
        people = " ".join(t for n in range(caption, header) for t in text_with(lines, n, per))
        places = " ".join(t for n in range(caption, header) for t in text_with(lines, n, loc))
        assert "Kim Jong-un" in people and "Shoigu" in people
        assert "Vladivostok" in places and "Korea Utara" in places
        assert "berjabat" not in people + places


async def test_title_and_caption_entities_are_highlighted() -> None:
    await open_seed()


async def test_long_article_header_is_highlighted_when_the_thread_is_done(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(article_view, "INLINE_ENTITY_CHARACTERS", 0)  # found in a thread
    await open_seed()
