"""ctrl+p: the app's own commands (open an article, jump to an entity, switch theme)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from kabar_tui.i18n import _
from kabar_tui.ui.data import corpus_entity_names

if TYPE_CHECKING:
    from kabar_tui.ui.app import KabarApp

Command = tuple[str, Callable[[], object], str]  # text, what it does, help


class KabarCommands(Provider):
    def _commands(self) -> list[Command]:
        app = cast("KabarApp", self.app)  # the provider is only ever given to KabarApp
        commands: list[Command] = []
        for article in app.corpus.articles:
            label = _("Open article: {title}").format(title=article.title)
            commands.append((label, partial(app.jump, article.id, 0), article.outlet or ""))
        for name, label in corpus_entity_names(app.corpus):
            text = _("Jump to entity: {name}").format(name=name)
            commands.append((text, partial(app.show_entity, name), label))
        for theme in sorted(app.available_themes):
            text = _("Switch theme: {name}").format(name=theme)
            commands.append((text, partial(setattr, app, "theme", theme), ""))
        commands.append((_("Search the corpus"), app.action_search, "/"))
        commands.append((_("Article list"), app.show_list, ""))
        return commands

    async def discover(self) -> Hits:
        for text, callback, help_text in self._commands()[:40]:
            yield DiscoveryHit(text, callback, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text or None)
