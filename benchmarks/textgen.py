"""Deterministic Indonesian-news-like text for benchmarks (no real articles needed)."""

from __future__ import annotations

import random

PEOPLE = [
    "Joko Widodo",
    "Prabowo Subianto",
    "Sri Mulyani",
    "Retno Marsudi",
    "Anies Baswedan",
    "Ganjar Pranowo",
    "Erick Thohir",
    "Budi Gunadi Sadikin",
    "Vladimir Putin",
    "Kim Jong Un",
    "Joe Biden",
    "Xi Jinping",
    "Antonio Guterres",
    "Sergei Shoigu",
    "Luhut Binsar Pandjaitan",
]
PLACES = [
    "Jakarta",
    "Surabaya",
    "Bandung",
    "Medan",
    "Makassar",
    "Yogyakarta",
    "Denpasar",
    "Moskow",
    "Pyongyang",
    "Beijing",
    "Washington",
    "Seoul",
    "Kalimantan Timur",
    "Papua",
]
ORGS = [
    "Kementerian Keuangan",
    "Bank Indonesia",
    "KPK",
    "DPR",
    "Polri",
    "TNI",
    "PBB",
    "ASEAN",
    "Pertamina",
    "BMKG",
    "Universitas Indonesia",
    "Partai Golkar",
    "KCNA",
    "Reuters",
]
VERBS = [
    "mengatakan",
    "menyebut",
    "menegaskan",
    "mengungkapkan",
    "menjelaskan",
    "membahas",
    "meninjau",
    "mengunjungi",
    "menandatangani",
    "mengumumkan",
    "menolak",
    "mendukung",
]
NOUNS = [
    "anggaran",
    "kebijakan",
    "kerja sama",
    "investasi",
    "infrastruktur",
    "pemilu",
    "inflasi",
    "subsidi",
    "energi",
    "pangan",
    "pendidikan",
    "kesehatan",
    "keamanan",
    "perdagangan",
    "pembangunan",
    "ekspor",
    "impor",
    "pajak",
    "bantuan sosial",
    "harga beras",
    "banjir",
]
FILLER = [
    "yang",
    "dan",
    "di",
    "untuk",
    "dengan",
    "pada",
    "dari",
    "dalam",
    "akan",
    "tersebut",
    "juga",
    "telah",
    "bahwa",
    "oleh",
    "sebagai",
    "secara",
    "lebih",
    "masih",
    "sudah",
]
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def sentence(rng: random.Random) -> str:
    """One plausible news sentence."""
    words = [rng.choice(PEOPLE), rng.choice(VERBS)]
    for _ in range(rng.randint(6, 16)):
        pool = rng.random()
        if pool < 0.45:
            words.append(rng.choice(FILLER))
        elif pool < 0.8:
            words.append(rng.choice(NOUNS))
        elif pool < 0.9:
            words.append(rng.choice(PLACES))
        else:
            words.append(rng.choice(ORGS))
    words.append(f"pada {rng.choice(DAYS)} ({rng.randint(1, 28)}/{rng.randint(1, 12)})")
    return " ".join(words) + "."


def paragraph(rng: random.Random) -> str:
    """Two to four sentences, sometimes with a quote."""
    parts = [sentence(rng) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.25:
        quote = " ".join(rng.choice(FILLER + NOUNS) for _ in range(rng.randint(6, 14)))
        parts.append(f"\u201c{quote.capitalize()},\u201d kata {rng.choice(PEOPLE)}.")
    return " ".join(parts)


def edit_words(text: str, fraction: float, rng: random.Random) -> str:
    """Replace about `fraction` of the words, as an outlet rewording a wire story."""
    words = text.split()
    for i in range(len(words)):
        if rng.random() < fraction:
            words[i] = rng.choice(FILLER + NOUNS)
    return " ".join(words)


def paragraphs(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [paragraph(rng) for _ in range(count)]
