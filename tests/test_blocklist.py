"""The blocklist's matcher: one expression for every term, kept per process, rebuilt when the list changes.

The answers are those of test_comment_policy.py's blocklist tests (whole words, case and
accents aside); here, what the matcher adds: no query per comment, a rebuild on every
server after a change, the longest term at a place, and its benchmark.
"""

import importlib.util
import io
import random
import re
from pathlib import Path

import pytest
from django.core.cache import cache

from comments import blocklist
from comments.blocklist import VERSION_KEY, Matcher, blocked_term_in
from comments.models import BlockedTerm
from common.text import fold, whole_words_pattern

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def terms(db):
    BlockedTerm.objects.create(term="casino")
    BlockedTerm.objects.create(term="Crétin")


def test_the_matcher_is_built_once_then_checks_without_a_query(terms, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert blocked_term_in("Un vrai CRETIN.") == "Crétin"
    with django_assert_num_queries(0):
        assert blocked_term_in("Le casino de Metz.") == "casino"
        assert blocked_term_in("Une casinothèque ?") is None


def test_an_added_term_is_found_at_the_next_check(terms, django_assert_num_queries):
    assert blocked_term_in("Loto ce soir.") is None

    BlockedTerm.objects.create(term="loto")

    with django_assert_num_queries(1):  # rebuilt once
        assert blocked_term_in("Loto ce soir.") == "loto"


def test_a_deleted_term_is_no_longer_found(terms):
    assert blocked_term_in("Le casino.") == "casino"

    BlockedTerm.objects.filter(term="casino").delete()

    assert blocked_term_in("Le casino.") is None
    assert blocked_term_in("Crétin !") == "Crétin"


def test_a_renamed_term_is_found_under_its_new_spelling(terms):
    term = BlockedTerm.objects.get(term="casino")
    term.term = "roulette"
    term.save()

    assert (blocked_term_in("Le casino."), blocked_term_in("La roulette.")) == (None, "roulette")


def test_a_change_on_another_server_rebuilds_this_one(terms, django_assert_num_queries):
    blocked_term_in("Bonjour.")
    # Another app server changed the list: its signal gave the shared version a new value.
    cache.set(VERSION_KEY, "changé ailleurs", None)

    with django_assert_num_queries(1):
        blocked_term_in("Bonjour.")
    assert blocklist.matcher().version == "changé ailleurs"


def test_an_emptied_cache_rebuilds_rather_than_trusting_an_old_matcher(terms, django_assert_num_queries):
    blocked_term_in("Bonjour.")
    cache.clear()

    with django_assert_num_queries(1):
        blocked_term_in("Bonjour.")


def test_the_version_changes_again_once_the_change_is_committed(db, django_capture_on_commit_callbacks):
    versions = []
    with django_capture_on_commit_callbacks(execute=True):
        BlockedTerm.objects.create(term="loto")
        versions.append(cache.get(VERSION_KEY))  # at once: this process sees its own change
    versions.append(cache.get(VERSION_KEY))  # after the commit: no server keeps what it read before

    assert None not in versions and versions[0] != versions[1]


# The answers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Tout est à vendre ici.", "vendre ici"),  # the longest term starting at a word
        ("Tout est à vendre icitte.", "vendre"),  # the longer one is not whole here: the shorter is
        ("Une OEUVRE d’art.", "Œuvre d’art"),  # ligatures and apostrophes folded
        ("Revendre ?", None),  # inside a word: not blocked
    ],
)
def test_phrases_longest_first_whole_words_and_folding(text, found):
    matcher = Matcher.from_terms(["vendre", "vendre ici", "Œuvre d’art"])

    assert matcher.first_in(text) == found


def test_the_prefix_tree_answers_as_the_former_alternation_did():
    # The former expression: every term side by side, longest first. Same finds, on random texts.
    rng = random.Random(5)
    letters = "abcé-' "

    def word(low=1, high=5):
        return "".join(rng.choice(letters) for _ in range(rng.randint(low, high))).strip() or "a"

    for _ in range(200):
        phrases = [word() for _ in range(rng.randint(1, 30))]
        folded = sorted({fold(p).strip() for p in phrases} - {""}, key=lambda p: (-len(p), p))
        former = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, folded)) + r")(?!\w)")
        text = fold(" ".join(word(1, 8) for _ in range(20)))
        now = whole_words_pattern(phrases)
        assert [m.span() for m in now.finditer(text)] == [m.span() for m in former.finditer(text)], (phrases, text)


def test_nothing_to_look_for_finds_nothing():
    assert whole_words_pattern(["", "  "]) is None
    assert Matcher.from_terms([]).first_in("Tout va bien.") is None


# The benchmark ----------------------------------------------------------------------------------


def test_the_benchmark_prints_its_figures_for_each_list_size():
    spec = importlib.util.spec_from_file_location(
        "blocklist_benchmark", PROJECT_ROOT / "scripts/blocklist_benchmark.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = io.StringIO()

    rows = script.run([5, 50], runs=3, length=500, stream=out)

    printed = out.getvalue()
    assert "500-character comment" in printed
    for size in ("5", "50"):
        assert re.search(rf"^\s+{size}\s+\d+\.\d\s+\d+\.\d{{3}}\s+\d+\.\d{{3}}\s+\d+\.\d{{3}}$", printed, re.M), printed
    assert [row["terms"] for row in rows] == [5, 50]
    assert all(row["check_ms"] > 0 for row in rows)


def test_the_desk_marks_exactly_what_the_policy_blocks_accents_and_ligatures_included():
    from comments.blocklist import Matcher
    from comments.desk import highlighted

    blocked = Matcher.from_terms(["connard", "oeuvre d'art"])
    text = "Quel CONNÂRD ! Une Œuvre d’art, pas un connardise. <b>x</b>"

    html = str(highlighted(text, blocked))

    assert '<mark class="desk-term">CONNÂRD</mark>' in html
    assert '<mark class="desk-term">Œuvre d’art</mark>' in html
    assert "connardise" in html and '<mark class="desk-term">connardise' not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
