"""Article ids as people read them: the shortest start of each id that is still unique.

Any command takes such a start (`kabar_tui.cli.common.find_article`).
"""

from __future__ import annotations

SHORTEST_ID = 3  # a displayed id is never shorter than this


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
