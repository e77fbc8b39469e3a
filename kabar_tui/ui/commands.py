"""ctrl+p: the app's own commands (open an article, jump to an entity, switch theme)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from kabar_tui.core.store.catalog import ArticleHead, Catalog
from kabar_tui.i18n import _
from kabar_tui.ui.access import KabarNode

Command = tuple[str, Callable[[], object], str]  # text, what it does, its key or a hint
# The palette's corpus facts: the open article's comparisons, every entity's name and
# label, every article's head.
Facts = tuple[list[tuple[ArticleHead, int]], list[tuple[str, str]], list[ArticleHead]]


class KabarCommands(KabarNode, Provider):
    """Every action of the screen the palette was opened on, then themes, articles, names."""

    _compare_candidates: list[tuple[ArticleHead, int]] = []
    _entity_names: list[tuple[str, str]] = []
    _heads: list[ArticleHead] = []
    _made: list[Command] | None = None

    def _actions(self) -> list[Command]:
        from kabar_tui.ui.screens.list import ListScreen
        from kabar_tui.ui.screens.reader import ReaderScreen

        app, screen = self.kabar, self.screen
        actions: list[Command] = [
            (_("Search the corpus"), app.action_search, "/"),
            (_("Help: keys here"), app.action_help, "?"),
            (_("Article list"), app.show_list, "l"),
            (_("Back"), app.action_go_back, "backspace"),
            (_("Forward"), app.action_forward, "alt+right"),
            (_("Quit"), app.exit, "Q"),
            ("Language: English", partial(app.switch_language, "en"), ""),
            ("Bahasa: Indonesia", partial(app.switch_language, "id"), ""),
        ]
        if isinstance(screen, ListScreen):
            actions += [
                (_("Sort: date or outlet"), screen.action_toggle_sort, "s"),
                (_("Filter the list"), screen.action_focus_filter, "f"),
            ]
        if isinstance(screen, ReaderScreen):
            actions += [
                (_("Pane: entities"), partial(screen.action_pane, "entities"), "e"),
                (_("Pane: quotes"), partial(screen.action_pane, "quotes"), "c"),
                (_("Pane: related passages"), partial(screen.action_pane, "related"), "r"),
                (_("Compare with another outlet"), screen.action_compare, "d"),
                (_("Copy passage or quote with citation"), screen.action_copy, "y"),
                (_("Show or hide removed lines"), screen.view.action_toggle_removed, "x"),
                (_("Previous article"), partial(screen.action_neighbour, -1), "["),
                (_("Next article"), partial(screen.action_neighbour, 1), "]"),
            ]
            article = screen.view.article
            if article is not None:
                for other, _links in self._compare_candidates:
                    text = _("Compare with: {outlet} · {title}").format(
                        outlet=other.outlet or "-", title=other.title
                    )
                    actions.append((text, partial(app.compare, article.id, other.id), ""))
        return actions

    async def startup(self) -> None:
        """What the palette lists of the corpus, asked of the catalog in a thread: the
        comparisons of the open article, every entity's name, every article's head (the
        list reads only those it shows)."""
        from kabar_tui.ui.screens.reader import ReaderScreen

        app, screen = self.kabar, self.screen
        article = screen.view.article if isinstance(screen, ReaderScreen) else None
        # Names are resolved once linked; before, every mention would be walked.
        linked = app.linked
        answered: asyncio.Future[Facts] = asyncio.get_running_loop().create_future()

        def facts(catalog: Catalog) -> Facts:
            if not linked:
                return [], [], list(catalog.heads())
            compared = catalog.compare_candidates(article.id) if article is not None else []
            return compared, catalog.entity_names(), list(catalog.heads())

        app.ask(facts, answered.set_result, "palette")
        self._compare_candidates, self._entity_names, self._heads = await answered

    def _commands(self) -> list[Command]:
        """Every command, made once per palette (10k articles are 10k commands)."""
        if self._made is not None:
            return self._made
        app = self.kabar
        commands = self._made = self._actions()
        for theme in sorted(app.available_themes):
            text = _("Switch theme: {name}").format(name=theme)
            commands.append((text, partial(setattr, app, "theme", theme), ""))
        for head in self._heads:
            label = _("Open article: {title}").format(title=head.title)
            commands.append((label, partial(app.jump, head.id, 0), head.outlet or ""))
        for name, label in self._entity_names:
            text = _("Jump to entity: {name}").format(name=name)
            commands.append((text, partial(app.show_entity, name), label))
        return commands

    async def discover(self) -> Hits:
        for text, callback, help_text in self._commands()[:60]:
            yield DiscoveryHit(text, callback, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text or None)
