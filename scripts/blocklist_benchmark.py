#!/usr/bin/env python
"""Benchmark of the comment blocklist: the check of one comment against 10, 1,000 and 10,000 blocked terms.

What it measures, for each list size:

- « compile »: building the matcher (``comments.blocklist.Matcher.from_terms``: the terms
  folded and merged into one regular expression), which each process does once per change of
  the list;
- « check »: what every posted comment costs, ``Matcher.first_in``: folding a 5,000-character
  comment (accents, case) and searching it whole, a comment with no blocked term in it (the
  worst case: the whole text is read); median and p95 of ``--runs`` runs;
- « before »: the same search with the former expression, every term side by side in one
  alternation, for comparison.

The terms are made-up words and two-word phrases, accented or not; the comment is French
text from the benchmark's vocabulary (``bench/vocabulary.py``). No database is used: in the
site the matcher is read from the database once per change and kept in memory; a check then
also reads the list's version from the shared cache (one GET). The goal: under 5 ms a check
with 10,000 terms.

    python scripts/blocklist_benchmark.py
    python scripts/blocklist_benchmark.py --sizes 10,1000,10000,50000 --runs 500
"""

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from bench.vocabulary import COMMENT_SENTENCES  # noqa: E402
from comments.blocklist import Matcher  # noqa: E402
from common.text import fold  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyzéèêàçôû"


def made_up_terms(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct blocked terms: words of 4 to 12 letters, one in five a two-word phrase."""
    terms: set[str] = set()

    def word() -> str:
        return "".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 12)))

    while len(terms) < count:
        terms.add(word() if rng.random() < 0.8 else f"{word()} {word()}")
    return sorted(terms)


def comment_text(length: int, rng: random.Random) -> str:
    """A reader's comment of exactly ``length`` characters, from the vocabulary's sentences."""
    sentences = []
    while sum(len(sentence) + 1 for sentence in sentences) < length:
        sentences.append(rng.choice(COMMENT_SENTENCES))
    return " ".join(sentences)[:length]


def flat_pattern(terms) -> re.Pattern:
    # The former expression: every term side by side, the longest first.
    folded = sorted({fold(term).strip() for term in terms}, key=lambda term: (-len(term), term))
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(term) for term in folded) + r")(?!\w)")


def timed(function, runs: int) -> list[float]:
    """Milliseconds of each of ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(times: list[float]) -> float:
    return sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def run(sizes: list[int], runs: int, length: int, seed: int = 11, stream=sys.stdout) -> list[dict]:
    rng = random.Random(seed)
    text = comment_text(length, rng)
    rows = []
    print(
        f"Blocklist check of a {length:,}-character comment with no blocked term "
        f"(median and p95 of {runs} runs, milliseconds)",
        file=stream,
    )
    print(f"{'terms':>8} {'compile':>9} {'check':>8} {'p95':>8} {'before':>8}", file=stream)
    for size in sizes:
        terms = made_up_terms(size, rng)
        start = time.perf_counter()
        matcher = Matcher.from_terms(terms)
        compile_ms = (time.perf_counter() - start) * 1000
        assert matcher.first_in(text) is None, "the comment must not hold a blocked term"
        check = timed(lambda: matcher.first_in(text), runs)  # noqa: B023 (called at once)
        former = flat_pattern(terms)
        before = timed(lambda: former.search(fold(text)), runs)  # noqa: B023
        row = {
            "terms": size,
            "compile_ms": compile_ms,
            "check_ms": statistics.median(check),
            "check_p95_ms": p95(check),
            "before_ms": statistics.median(before),
        }
        rows.append(row)
        print(
            f"{size:>8,} {compile_ms:>9.1f} {row['check_ms']:>8.3f} {row['check_p95_ms']:>8.3f} {row['before_ms']:>8.3f}",
            file=stream,
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,1000,10000", help="numbers of blocked terms, comma-separated")
    parser.add_argument("--runs", type=int, default=200, help="timed checks per size")
    parser.add_argument("--length", type=int, default=5000, help="characters in the comment")
    args = parser.parse_args(argv)
    run([int(size) for size in args.sizes.split(",")], args.runs, args.length)
    return 0


if __name__ == "__main__":
    sys.exit(main())
