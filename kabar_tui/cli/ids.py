"""Article ids as people type them: any unique prefix finds the article.

All prefix resolution lives here, so the core's own ids can change underneath it.
"""

from __future__ import annotations

from kabar_tui.core.model import Article, Corpus
from kabar_tui.i18n import _

SHORTEST_ID = 3  # a displayed id is never shorter than this


def find_article(corpus: Corpus, wanted: str) -> tuple[Article | None, str | None]:
    """The article whose id is `wanted` or starts with it, else None and a one-line reason."""
    exact = corpus.article(wanted)
    if exact is not None:
        return exact, None
    matches = [a for a in corpus.articles if a.id.startswith(wanted)] if wanted else []
    if len(matches) == 1:
        return matches[0], None
    if not matches:
        return None, _("no article with id {id}").format(id=repr(wanted))
    shown = ", ".join(a.id for a in matches[:5]) + (", …" if len(matches) > 5 else "")
    return None, _("id {id} is ambiguous: {ids}").format(id=repr(wanted), ids=shown)


def shortest_unique_ids(ids: list[str]) -> dict[str, str]:
    """Each id cut to the shortest prefix no other id shares (at least SHORTEST_ID long)."""
    ordered = sorted(set(ids))
    short: dict[str, str] = {}
    for position, current in enumerate(ordered):
        needed = SHORTEST_ID
        for neighbour in ordered[max(0, position - 1) : position + 2]:
            if neighbour == current:
                continue
            common = 0
            for a, b in zip(current, neighbour, strict=False):
                if a != b:
                    break
                common += 1
            needed = max(needed, common + 1)
        short[current] = current[:needed]
    return short
