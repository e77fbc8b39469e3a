"""The reader application (first cut: article list and article text)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from kabar_tui.core.model import Corpus
from kabar_tui.ui.theming import setup_themes


class KabarApp(App[None]):
    """Lists the corpus and shows the selected article."""

    TITLE = "kabar"
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, paths: list[str | Path] | None = None, theme: str | None = None) -> None:
        super().__init__()
        setup_themes(self, theme)
        self.paths = paths
        self.corpus = Corpus()

    def compose(self) -> ComposeResult:
        yield Header()
        yield OptionList(id="articles")
        with VerticalScroll(id="reader"):
            yield Static(id="article")
        yield Footer()

    def on_mount(self) -> None:
        self.load_corpus()

    @work(thread=True, exclusive=True, group="load")
    def load_corpus(self) -> None:
        from kabar_tui.core.pipeline import build_corpus

        corpus = build_corpus(self.paths)
        self.call_from_thread(self.show_corpus, corpus)

    def show_corpus(self, corpus: Corpus) -> None:
        self.corpus = corpus
        articles = self.query_one("#articles", OptionList)
        articles.clear_options()
        articles.add_options(Option(Text(a.title), id=a.id) for a in corpus.articles)
        for problem in corpus.problems:
            self.notify(str(problem), severity="warning", markup=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        article = self.corpus.article(event.option.id or "")
        if article is None:
            return
        body = Text(article.title + "\n\n", style="bold")
        for paragraph in article.paragraphs:
            body.append(paragraph.text + "\n\n", style="")
        self.query_one("#article", Static).update(body)
