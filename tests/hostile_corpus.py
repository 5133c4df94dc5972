"""A generated folder of hostile inputs, with good articles hidden among them and inside hostile containers.

Each good article carries a marker word of its own, so a test can check that every good input is searchable after
a run, whatever surrounds it: a file name that is not UTF-8, a lone surrogate in a JSON title, a UTF-16 feed, a
gzip member followed by padding. The hostile ones must end as dead letters (or as articles, where something
readable is left), never stop the run. Seeded: the same seed makes the same folder.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from collections.abc import Callable
from pathlib import Path

WORDS = ("council", "harbour", "minister", "budget", "election", "school", "river", "market", "weather",
         "hospital", "train", "museum", "festival", "police", "court", "farmers", "bridge", "energy", "prices")


def article(rng: random.Random, marker: str) -> str:
    sentences = []
    for _ in range(rng.randint(3, 8)):
        words = rng.choices(WORDS, k=rng.randint(8, 16))
        sentences.append(" ".join(words).capitalize() + ".")
    sentences.insert(rng.randint(0, len(sentences)), f"The {marker} report was published today.")
    return f"Headline about the {rng.choice(WORDS)}\n\n" + " ".join(sentences) + "\n"


def good_inputs(rng: random.Random, marker: str) -> list[tuple[bytes, bytes]]:
    """(file name, content) pairs that each hold the one good article with ``marker``."""
    text = article(rng, marker)
    record = {"title": f"Title {marker}", "body": text, "url": f"https://example.org/{marker}"}
    choices: list[Callable[[], tuple[bytes, bytes]]] = [
        lambda: (f"{marker}.txt".encode(), text.encode()),
        lambda: (f"{marker}-caf\xe9.txt".encode("latin-1"), text.encode()),  # a name from a Latin-1 system
        lambda: (f"{marker}.txt".encode(), text.encode("cp1252", "replace")),
        lambda: (f"{marker}.html".encode(), f"<html><head><title>{marker}</title></head><body><nav>Home | News"
                 f"</nav><article><p>{text}</p></article><footer>(c) Example</footer></body></html>".encode()),
        lambda: (f"{marker}.json".encode(), json.dumps({**record, "title": "Half an emoji \ud83d"}).encode()),
        lambda: (f"{marker}.jsonl".encode(), json.dumps(record).encode("utf-16")),  # UTF-16 with BOM
        lambda: (f"{marker}.jsonl".encode(), b"\xef\xbb\xbf" + json.dumps(record).encode() + b"\r\n"),
        lambda: (f"{marker}.jsonl".encode(), (json.dumps({"body": "x", "url": float("nan")}, allow_nan=True) + "\n"
                 + json.dumps({**record, "url": "javascript:alert(1)"}) + "\n").encode()),
        lambda: (f"{marker}.txt.gz".encode(), gzip.compress(text.encode()) + b"\x00" * 512),  # tape padding
        lambda: (f"{marker}.txt.gz".encode(), gzip.compress(text.encode()) + gzip.compress(b"")),
        lambda: (f"{marker}\u202e.txt".encode(), text.replace(" ", " \u200b", 3).encode()),
    ]
    return [rng.choice(choices)()]


def hostile_inputs(rng: random.Random, n: int) -> list[tuple[bytes, bytes]]:
    """Inputs with nothing good in them; what they end as is theirs, only the run must go on."""
    makers: list[Callable[[], tuple[bytes, bytes]]] = [
        lambda: (b"random.txt", rng.randbytes(rng.randint(1, 4096))),
        lambda: (b"random.html", rng.randbytes(rng.randint(1, 4096))),
        lambda: (b"random.jsonl", rng.randbytes(rng.randint(1, 4096))),
        lambda: (b"empty.txt", b""),
        lambda: (b"blank.txt", b" \n\t\n" * 10),
        lambda: (b"nul.txt", b"\x00" * 100),
        lambda: (b"notgzip.txt.gz", b"\x1f\x8b" + rng.randbytes(200)),
        lambda: (b"truncated.json.gz", gzip.compress(b'{"body": "cut"}' * 50)[:40]),
        lambda: (b"array.json", b"[1, 2, 3]"),
        lambda: (b"wrongtypes.json", json.dumps({"body": {"a": 1}, "title": [1], "authors": "x"}).encode()),
        lambda: (b"nan.json", b'{"body": NaN, "title": Infinity}'),
        lambda: (b"deep.html", b"<div>" * 20000 + b"deep" + b"</div>" * 20000),
        lambda: (b"attrs.html", b"<p " + b" ".join(b'a%d="1"' % i for i in range(20000)) + b">x</p>"),
        lambda: (b"surrogates.json", b'{"body": "\\udc80\\ud800\\udfff", "title": "\\ud83d"}'),
        lambda: (b"longline.jsonl", b'{"body": "' + b"word " * 200_000 + b'"}\n'),
        lambda: (b"control.txt", bytes(range(1, 32)) * 40),
        lambda: (b"unsupported.docx", b"PK\x03\x04" + rng.randbytes(100)),
        lambda: (b"only-markup.html", b"<html><body><script>var x = 1;</script><style>p{}</style></body></html>"),
        lambda: (b"bom-only.txt", b"\xef\xbb\xbf"),
        lambda: (b"utf16-garbage.jsonl", b"\xff\xfe" + rng.randbytes(301)),
    ]
    return [rng.choice(makers)() for _ in range(n)]


def write_corpus(root: Path, seed: int, good: int, hostile: int) -> list[str]:
    """Writes the folder and returns the good markers. File names are bytes, written with ``os`` calls."""
    rng = random.Random(seed)
    markers = [f"zq{seed:03d}m{i:04d}" for i in range(good)]
    entries = [entry for marker in markers for entry in good_inputs(rng, marker)]
    entries += hostile_inputs(rng, hostile)
    rng.shuffle(entries)
    base = os.fsencode(root)
    for i, (name, content) in enumerate(entries):
        folder = os.path.join(base, b"d%02d" % (i % 7))
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, b"%04d-" % i + name), "wb") as out:
            out.write(content)
    loop = os.path.join(base, b"d00", b"loop")
    os.symlink(os.path.join(base, b"d00"), loop)
    os.symlink(os.path.join(base, b"missing"), os.path.join(base, b"d01", b"dangling.txt"))
    return markers
