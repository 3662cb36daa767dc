"""Signing in to the admin, throttled: guessing a password is slow, and a guesser locks out nobody but itself.

The rules (docs/decisions/sign-in-throttling.md says why):

- Wrong passwords count per *pair*: one login (whether the account exists or not) from one address (an
  IPv6 address as its /64). A pair's first ``LOGIN_FREE_FAILURES`` failures cost nothing (typos); after
  each further one it waits 1 s, then 2, 4, 8 … before its next try is even checked; from
  ``LOGIN_LOCK_FAILURES`` on, each failure locks it for ``LOGIN_LOCK_SECONDS``. While a pair waits, even
  the right password is refused — for that login, from that address only.
- A right password forgets the pair's failures, and makes the address *known* for the account.
- Two ceilings catch guessing spread out: ``LOGIN_FAILURES_PER_ACCOUNT`` failures of one login from all
  addresses together, ``LOGIN_FAILURES_PER_ADDRESS`` from one address on all logins together (password
  spraying). Past one, tries under it wait the same doubling way — unless the login is known at that
  address: the journalist at her usual desk, the colleague at the office, sign in as always.
- A pair's tries are checked one at a time (and those under a ceiling, once past it), so that tries sent
  together cannot slip through a wait.
- Failures are forgotten ``LOGIN_WINDOW_SECONDS`` after the first one. « Débloquer la connexion » in the
  user list lifts every wait and lock of an account, from every address.

Everything counts in the shared cache (every app server sees it); with the cache down, sign-in goes on
unthrottled rather than nobody signing in. Every failure and every refusal is logged (logger
``common.login``) with the login and the address.
"""

import hashlib
import logging
import math
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.ratelimit import client_ip, count_hit, sender

logger = logging.getLogger(__name__)

# A try being checked holds its pair this long at most (a worker killed mid-check frees it by then).
CHECKING_SECONDS = 10
# An address stays known for an account this long after it last signed in from there.
KNOWN_SECONDS = 30 * 24 * 60 * 60


class Hold(StrEnum):
    """Why a try is refused before its password is checked; each has its message."""

    CHECKING = "checking"  # another try of the pair is being checked
    WAIT = "wait"  # the pair's doubling wait
    LOCKED = "locked"  # the pair's lock
    ACCOUNT = "account"  # the login's ceiling, from an address not known for it
    ADDRESS = "address"  # the address's ceiling, for a login not known there


MESSAGES = {
    Hold.CHECKING: _(
        "Une autre tentative de connexion à ce compte est en cours depuis cette adresse : réessayez dans un instant."
    ),
    Hold.WAIT: _("Trop de tentatives de connexion à ce compte depuis cette adresse : réessayez dans %(wait)s."),
    Hold.LOCKED: _(
        "Trop de tentatives de connexion à ce compte depuis cette adresse : par sécurité, la connexion y est "
        "bloquée pendant encore %(wait)s. Un administrateur peut la débloquer."
    ),
    Hold.ACCOUNT: _(
        "Trop de tentatives de connexion à ce compte, depuis de nombreuses adresses : réessayez dans %(wait)s, "
        "ou demandez à un administrateur de débloquer la connexion."
    ),
    Hold.ADDRESS: _(
        "Trop de tentatives de connexion depuis cette adresse, sur de nombreux comptes : réessayez dans %(wait)s."
    ),
}


def in_words(seconds: int) -> str:
    """« 1 seconde », « 40 secondes », « 15 minutes » (rounded up: never promise less than the wait)."""
    if seconds < 60:
        return ngettext("%(count)d seconde", "%(count)d secondes", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def doubling_wait(failures: int, first: int) -> int:
    """Seconds to wait after the ``failures``-th failure: none before the ``first``-th, then 1, 2, 4 …,
    never more than a lock."""
    if failures < first:
        return 0
    return min(2 ** min(failures - first, 30), settings.LOGIN_LOCK_SECONDS)


def account_id(username: str) -> str:
    # Hashed: a login may be an email address, and cache keys end up in logs and monitoring.
    return hashlib.sha256((username or "").strip().casefold().encode()).hexdigest()


def generation_key(account: str) -> str:
    return f"login:generation:{account}"


def known_key(account: str, who: str) -> str:
    return f"login:known:{account}:{who}"


@dataclass(frozen=True)
class Counter:
    """Failures counted on one thing (a pair, a login, an address), and the wait they impose.

    The count lives at ``key``; the wait at ``key + ":gate"``, as ``(until, hold)``, for as long as it
    lasts. A try must claim the gate (an atomic ``add``) to be checked.
    """

    key: str
    first_wait: int  # the failure after which tries start waiting
    hold: Hold
    lock_at: int | None = None  # from this failure on, a lock (pairs only)

    @property
    def gate(self) -> str:
        return self.key + ":gate"

    def wait_after(self, failures: int) -> tuple[int, Hold]:
        if self.lock_at is not None and failures >= self.lock_at:
            return settings.LOGIN_LOCK_SECONDS, Hold.LOCKED
        return doubling_wait(failures, self.first_wait), self.hold


def account_ceiling(account: str) -> Counter:
    return Counter(f"login:account:{account}", settings.LOGIN_FAILURES_PER_ACCOUNT, Hold.ACCOUNT)


def address_ceiling(who: str) -> Counter:
    return Counter(f"login:address:{who}", settings.LOGIN_FAILURES_PER_ADDRESS, Hold.ADDRESS)


@dataclass(frozen=True)
class Refusal:
    hold: Hold
    seconds: int

    def error(self) -> ValidationError:
        return ValidationError(MESSAGES[self.hold], code="throttled", params={"wait": in_words(self.seconds)})


class Attempt:
    """One try at signing in, as the throttle sees it: which gates it must pass, and what its outcome counts."""

    def __init__(self, username: str, address: str | None):
        self.account = account_id(username)
        self.who = sender(address)
        ceilings = [
            ceiling
            for ceiling in (account_ceiling(self.account), address_ceiling(self.who))
            if ceiling.first_wait > 0  # 0: no such ceiling
        ]
        known = known_key(self.account, self.who)
        generation = generation_key(self.account)
        read = cache.get_many([known, generation, *(ceiling.key for ceiling in ceilings)])
        # The generation changes when an administrator unlocks the account: its pairs start afresh.
        self.pair = Counter(
            f"login:pair:{self.account}:{read.get(generation, 0)}:{self.who}",
            settings.LOGIN_FREE_FAILURES,
            Hold.WAIT,
            lock_at=settings.LOGIN_LOCK_FAILURES,
        )
        self.counters = [self.pair, *ceilings]
        # Past a ceiling, the tries under it are checked one at a time, each after the last one's wait;
        # a login known at the address is under none of them.
        over = [] if read.get(known) else [c for c in ceilings if read.get(c.key, 0) >= c.first_wait]
        self.gates = [self.pair, *over]
        self.claimed: list[Counter] = []

    def claim(self) -> Refusal | None:
        """Take every gate this try must pass, or none and the reason why not."""
        now = time.time()
        for counter in self.gates:
            if cache.add(counter.gate, (now + CHECKING_SECONDS, Hold.CHECKING.value), CHECKING_SECONDS):
                self.claimed.append(counter)
                continue
            self.release()
            until, hold = cache.get(counter.gate) or (now, Hold.CHECKING)
            return Refusal(Hold(hold), max(1, math.ceil(until - now)))
        return None

    def failed(self) -> int:
        """Count a wrong password on the pair, the login and the address; hold each gate as long as its
        count asks. The pair's failures so far."""
        now = time.time()
        failures = {counter: count_hit(counter.key, settings.LOGIN_WINDOW_SECONDS) for counter in self.counters}
        for counter in self.counters:
            seconds, hold = counter.wait_after(failures[counter])
            if seconds:
                cache.set(counter.gate, (now + seconds, hold.value), seconds)
            elif counter in self.claimed:
                cache.delete(counter.gate)
        self.claimed = []
        return failures[self.pair]

    def succeeded(self) -> None:
        """The right password: the pair's failures forgotten, the address known for the account."""
        cache.delete_many([self.pair.key, *(counter.gate for counter in self.claimed)])
        self.claimed = []
        cache.set(known_key(self.account, self.who), True, KNOWN_SECONDS)

    def release(self) -> None:
        """Undecided (the try ended without a verdict on the password): let the next one be checked."""
        cache.delete_many([counter.gate for counter in self.claimed])
        self.claimed = []


def unlock(username: str) -> None:
    """Lift every wait and lock of an account, from every address (the user list's « Débloquer la connexion »).

    Its pairs are listed nowhere: the account changes generation, so that they are read afresh under new
    keys while the old ones expire. The address ceilings are left to time: they hold back other logins too.
    """
    account = account_id(username)
    outlives_old_keys = settings.LOGIN_WINDOW_SECONDS + settings.LOGIN_LOCK_SECONDS
    cache.set(generation_key(account), secrets.token_hex(4), outlives_old_keys)
    ceiling = account_ceiling(account)
    cache.delete_many([ceiling.key, ceiling.gate])


class ThrottledLoginForm(AdminAuthenticationForm):
    """The admin's login form: a try is checked only when its waits allow it, and its outcome counted."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if not (username and self.cleaned_data.get("password")):
            return super().clean()  # nothing to check: the fields' own errors
        address = client_ip(self.request) if self.request is not None else None
        try:
            attempt = Attempt(username, address)
            refusal = attempt.claim()
        except Exception:  # the cache down: sign-in goes on, unthrottled, rather than nobody signing in
            logger.exception("Login throttle unavailable")
            return super().clean()
        if refusal:
            logger.warning(
                "Sign-in refused (%s, %d s left): login %r from %s", refusal.hold, refusal.seconds, username, address
            )
            raise refusal.error()
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                failures = self._quietly(attempt.failed)
                logger.warning(
                    "Sign-in failed: login %r from %s (failure %s of this login from there)",
                    username,
                    address,
                    failures,
                )
            else:
                self._quietly(attempt.release)
            raise
        except BaseException:
            self._quietly(attempt.release)
            raise
        self._quietly(attempt.succeeded)
        return cleaned

    @staticmethod
    def _quietly(step):
        try:
            return step()
        except Exception:  # the cache failed mid-try: the verdict stands, uncounted
            logger.exception("Login throttle unavailable")
            return None
