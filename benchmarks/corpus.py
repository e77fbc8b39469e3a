"""Deterministic raw articles as scrapers dump them: body from textgen, chrome around it.

`raw_articles(n, seed)` returns n (name, text) pairs; `python -m benchmarks.corpus N DIR`
writes them as files. The same n and seed always give the same texts.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from benchmarks.textgen import PEOPLE, PLACES, paragraph

OUTLETS = [
    ("{place}, KOMPAS.com - ", "Dapatkan update berita pilihan dan breaking news setiap hari"),
    ("{place} - ", "SCROLL TO CONTINUE WITH CONTENT"),
    ("REPUBLIKA.CO.ID, {place} -- ", "Berita Lainnya"),
    ("{place}, CNN Indonesia -- ", "[Gambas:Video CNN]"),
    ("{place} (ANTARA) - ", "Copyright © ANTARA 2025"),
    ("TEMPO.CO, {place} - ", "Pilihan Editor: Harga Beras Naik Lagi di Pasar Induk"),
]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jum'at", "Sabtu", "Minggu"]
MONTHS = ["Januari", "Feb", "Maret", "Apr", "Mei", "Juni", "Jul", "Agustus", "Sep", "Okt"]


def raw_article(rng: random.Random) -> str:
    dateline, chrome = rng.choice(OUTLETS)
    place = rng.choice(PLACES).upper() if rng.random() < 0.5 else rng.choice(PLACES)
    title = " ".join(w.capitalize() for w in paragraph(rng).split()[: rng.randint(6, 12)])
    title = title.rstrip(".")
    author = rng.choice(PEOPLE)
    date = (
        f"{rng.choice(DAYS)}, {rng.randint(1, 28):02d} {rng.choice(MONTHS)} 2025 "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {rng.choice(['WIB', 'WITA', 'WIT'])}"
    )
    body = [paragraph(rng) for _ in range(rng.randint(8, 14))]
    lines = ["Advertisement", "INFOGRAFIS INDEKS", "", title, "", f"{author} - detikNews", date]
    lines += [f"{title}", f"Suasana di {place}. (Foto: ANTARA FOTO/{author})", "A", "A", ""]
    lines.append(dateline.format(place=place) + body[0])
    for i, text in enumerate(body[1:], start=1):
        lines.append("")
        if i == 3:
            lines += ["Baca Juga: " + title[:40], ""]
        if i == 5:
            words = text.split()
            cut = len(words) // 2
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            lines += [f"{head} menurut", rng.choice(PEOPLE), f"di {tail}"]  # split at a link
            continue
        lines.append(text)
        if i == 6:
            lines.append(text)  # the scraper repeats a paragraph
    lines += ["", chrome, f"Editor: {rng.choice(PEOPLE)}", "Tags", "Ekonomi, Politik, Nasional"]
    lines += ["Berita Terkait", "Terpopuler", "\u00a0\u00a0", "x"]
    return "\n".join(lines) + "\n"


def raw_articles(n: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    return [(f"bench_{i:06d}", raw_article(rng)) for i in range(n)]


def main(argv: list[str]) -> int:
    count, folder = int(argv[0]), Path(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in raw_articles(count):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
