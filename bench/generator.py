"""A synthetic newsroom archive at any size, written fast enough for 100,000 articles.

What it writes, on an empty, migrated database:

- 8 sections, a région with 4 départements, 40 communes and 5 groupings (containers
  rebuilt), 200 personalities, 500 tags, 40 journalists (staff) and 3 moderators;
- ``articles`` published articles spread over the last ten years (title, standfirst, a
  body of a few paragraphs with a sub-heading and a list), each about 1–3 territories,
  0–2 personalities, with 0–4 tags and 1–2 authors; popular places, people and tags
  come up more often (Zipf's law); no main image;
- ``comments`` reader comments: the newest articles get exactly ``THREAD_APPROVED``
  approved comments each (the article page the benchmark measures), the others share
  the rest unevenly; replies up to depth 3; most approved, some rejected or spam, and
  pending ones only where comments are still open; ``comment_count`` matches.

Reference rows go through the ORM; articles, their links and comments through
PostgreSQL's ``COPY`` (psycopg 3's ``cursor.copy()``), or multi-row INSERTs on other
databases (the tests' SQLite). Rows are built from the current models: a column the
generator does not know gets its field's default, so a new column with a default
needs no change here; one without a default stops the run with its name. Derived data
is computed by the project's own code: the stored HTML of bodies and comments by the
models' rendering methods as rows are written, the search data afterwards by
``search.indexing.refresh_articles()``, in batches.
"""

import itertools
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import vocabulary as words

SECTION_COUNT = 8
PERSONALITY_COUNT = 200
TAG_COUNT = 500
JOURNALIST_COUNT = 40
MODERATOR_COUNT = 3
ARCHIVE_YEARS = 10
THREAD_APPROVED = 50  # approved comments on each article the benchmark reads
THREAD_HELD = 6  # and a few pending or spam ones there, which readers never see
THREAD_ARTICLES = 3
COMMENTS_CLOSE_AFTER = timedelta(days=30)
MAX_DEPTH = 3
BATCH = 2000  # articles per search-data step (the indexer updates 500 at a time)

# Tables written row by row (COPY); the small reference tables go through the ORM.
_SIMPLE_POSTGRES_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateTimeField",
    "EmailField",
    "ForeignKey",
    "GenericIPAddressField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


class Progress:
    """Plain-text progress on stderr: a line at every tenth of the work, with the time spent."""

    def __init__(self, label: str, total: int, stream=None) -> None:
        self.label, self.total, self.stream = label, max(total, 1), stream or sys.stderr
        self.done = 0
        self.next_tenth = 1
        self.started = time.perf_counter()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.next_tenth > 10 or self.done * 10 < self.total * self.next_tenth:
            return
        tenth = min(10, self.done * 10 // self.total)
        elapsed = time.perf_counter() - self.started
        print(
            f"  {self.label}: {tenth * 10:3d} % ({self.done:,}/{self.total:,}) {elapsed:6.1f} s",
            file=self.stream,
            flush=True,
        )
        self.next_tenth = tenth + 1


def slug_of(name: str) -> str:
    # slugify() drops « œ » instead of spelling it out.
    return slugify(name.replace("œ", "oe").replace("Œ", "Oe"))


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    """Cumulative weights where the n-th item is n**exponent times rarer than the first."""
    return list(itertools.accumulate(1 / (rank**exponent) for rank in range(1, count + 1)))


# Writing rows -------------------------------------------------------------------


def constant(value: Any) -> Callable[[], Any]:
    return lambda: value


class TableWriter:
    """Writes rows of a model's table from dicts keyed by attribute name.

    Columns missing from a row get the field's default (``auto_now`` fields: now;
    nullable ones: NULL), so that columns added to the models later need nothing here.
    """

    def __init__(self, model: type[models.Model], using: str, explicit_pk: bool, now: datetime) -> None:
        self.model, self.connection = model, connections[using]
        self.fields = [f for f in model._meta.concrete_fields if explicit_pk or not f.primary_key]
        self.fillers: dict[str, Callable[[], Any]] = {}
        for f in self.fields:
            if f.has_default():
                self.fillers[f.attname] = f.get_default if callable(f.default) else constant(f.get_default())
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.fillers[f.attname] = constant(now)
            elif f.null:
                self.fillers[f.attname] = constant(None)
        postgres = self.connection.vendor == "postgresql"
        # psycopg adapts these Python values itself; others (JSON…) need the field's own preparation.
        self.prepare = [
            None
            if postgres and f.get_internal_type() in _SIMPLE_POSTGRES_TYPES
            else (lambda value, f=f: f.get_db_prep_save(value, self.connection))
            for f in self.fields
        ]

    def values(self, row: dict[str, Any]) -> tuple:
        values = []
        for f, prepare in zip(self.fields, self.prepare, strict=True):
            if f.attname in row:
                value = row[f.attname]
            elif f.attname in self.fillers:
                value = self.fillers[f.attname]()
            else:
                raise RuntimeError(
                    f"{self.model._meta.label}.{f.name} is NOT NULL without a default: "
                    "teach bench/generator.py what to write there."
                )
            values.append(value if prepare is None else prepare(value))
        return tuple(values)

    def write(self, rows: Iterable[dict[str, Any]], progress: Progress | None = None) -> int:
        quote = self.connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        written = 0
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(self.values(row))
                        written += 1
                        if progress:
                            progress.advance()
            else:
                placeholders = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
                for batch in itertools.batched(rows, 1000):
                    cursor.executemany(sql, [self.values(row) for row in batch])
                    written += len(batch)
                    if progress:
                        progress.advance(len(batch))
        return written


# Reference data -------------------------------------------------------------------


@dataclass
class Reference:
    sections: list[Any]
    region: Any
    communes: list[Any]
    other_places: list[Any]  # départements and groupings
    personalities: list[Any]
    tags: list[Any]
    journalists: list[Any]
    moderators: list[Any]


def create_reference_data(rng: random.Random) -> Reference:
    from taggit.models import Tag

    from articles.models import Personality, Section, Territory

    sections = Section.objects.bulk_create(
        [
            Section(name=name, slug=slug_of(name), description=description, menu_position=position)
            for position, (name, description) in enumerate(words.SECTIONS[:SECTION_COUNT], start=1)
        ]
    )

    def place(name: str, kind: str, parent: Any = None) -> Any:
        return Territory(name=name, slug=slug_of(name), kind=kind, parent=parent)

    (region,) = Territory.objects.bulk_create([place(words.REGION, Territory.Kind.REGION)])
    departements = Territory.objects.bulk_create(
        [place(name, Territory.Kind.DEPARTEMENT, region) for name in words.COMMUNES_BY_DEPARTEMENT]
    )
    communes = Territory.objects.bulk_create(
        [
            place(name, Territory.Kind.COMMUNE, departement)
            for departement in departements
            for name in words.COMMUNES_BY_DEPARTEMENT[departement.name]
        ]
    )
    by_name = {commune.name: commune for commune in communes}
    groupings_spec = [words.GROUPING, *words.OTHER_GROUPINGS]
    groupings = Territory.objects.bulk_create(
        [place(name, Territory.Kind.GROUPING, region) for name, _members in groupings_spec]
    )
    membership = Territory.groupings.through
    membership.objects.bulk_create(
        [
            membership(from_territory_id=by_name[member].pk, to_territory_id=grouping.pk)
            for grouping, (_name, members) in zip(groupings, groupings_spec, strict=True)
            for member in members
        ]
    )
    # bulk_create() sends no signal: compute the containment the territory pages rely on.
    Territory.objects.rebuild_containers()

    names = [f"{first} {last}" for last in words.LAST_NAMES for first in words.FIRST_NAMES]
    rng.shuffle(names)
    personalities = Personality.objects.bulk_create(
        [
            Personality(name=name, slug=slug_of(name), role=words.ROLES[index % len(words.ROLES)])
            for index, name in enumerate(names[:PERSONALITY_COUNT])
        ]
    )

    # The 50 topics, then topics by place (« Tramway à Nancy »): 50 × 40 combinations to pick from.
    combined = [f"{topic} à {place}" for place in by_name for topic in words.TAG_NAMES]
    tag_names = [*words.TAG_NAMES, *rng.sample(combined, TAG_COUNT - len(words.TAG_NAMES))]
    tags = Tag.objects.bulk_create([Tag(name=name, slug=slug_of(name)) for name in tag_names[:TAG_COUNT]])

    user_model = get_user_model()
    unusable = make_password(None)
    journalists = user_model.objects.bulk_create(
        [
            user_model(
                username=f"journaliste{index + 1}",
                first_name=words.FIRST_NAMES[index % len(words.FIRST_NAMES)],
                last_name=words.LAST_NAMES[(index * 7 + index // len(words.FIRST_NAMES)) % len(words.LAST_NAMES)],
                is_staff=True,
                password=unusable,
            )
            for index in range(JOURNALIST_COUNT)
        ]
    )
    moderators = user_model.objects.bulk_create(
        [
            user_model(username=f"moderateur{index + 1}", is_staff=True, password=unusable)
            for index in range(MODERATOR_COUNT)
        ]
    )
    return Reference(
        sections, region, communes, [*departements, *groupings], personalities, tags, journalists, moderators
    )


# Text ----------------------------------------------------------------------------------


def article_text(rng: random.Random, place: str, person: str) -> tuple[str, str, str]:
    """A title, a standfirst and an HTML body (paragraphs, a sub-heading, a list), as the editor stores them."""
    headline = rng.choice(words.HEADLINES)
    title = rng.choice(
        [f"À {place}, {headline}", f"{place} : {headline}", f"{person} : « {rng.choice(words.QUOTES)} »"]
    )
    standfirst = f"{headline[0].upper()}{headline[1:]} à {place}. {rng.choice(words.SENTENCES)}"

    def paragraph() -> str:
        return "<p>" + " ".join(rng.sample(words.SENTENCES, rng.randint(3, 5))) + "</p>"

    items = "".join(f"<li>{item}</li>" for item in rng.sample(words.LIST_ITEMS, rng.randint(2, 4)))
    body = "".join(
        [
            paragraph(),
            paragraph(),
            f"<h2>{rng.choice(words.SUBHEADINGS)}</h2>",
            paragraph(),
            f"<ul>{items}</ul>",
            paragraph(),
        ]
    )
    return title, standfirst.format(place=place, person=person), body.format(place=place, person=person)


def comment_text(rng: random.Random) -> str:
    text = " ".join(rng.sample(words.COMMENT_SENTENCES, rng.randint(1, 3)))
    if rng.random() < 0.03:
        text += " Voir aussi https://www.example.org/dossier."
    return text


# The archive ---------------------------------------------------------------------------


@dataclass
class ArticlePlan:
    """What is decided about an article before anything is written, so its comment count is right at once."""

    pk: int
    published_at: datetime
    approved: int = 0
    held: int = 0  # pending, rejected or spam


@dataclass
class Summary:
    articles: int = 0
    comments: int = 0
    approved_comments: int = 0
    thread_article_ids: list[int] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def plan_archive(
    article_count: int, comment_count: int, rng: random.Random, now: datetime, first_pk: int
) -> tuple[list[ArticlePlan], list[int]]:
    """Publication dates (oldest first, ids rising with time) and each article's comments."""
    span = timedelta(days=365 * ARCHIVE_YEARS)
    plans = []
    for index in range(article_count):
        # Evenly spread, a little jitter; the newest one a few minutes old.
        age = span * (article_count - index) / article_count + timedelta(minutes=rng.uniform(-20, 20))
        plans.append(ArticlePlan(pk=first_pk + index, published_at=now - max(age, timedelta(minutes=5))))
    plans.sort(key=lambda plan: plan.published_at)
    for index, plan in enumerate(plans):
        plan.pk = first_pk + index

    threads = min(THREAD_ARTICLES, article_count, comment_count // (THREAD_APPROVED + THREAD_HELD))
    thread_plans = plans[len(plans) - threads :]
    for plan in thread_plans:
        plan.approved, plan.held = THREAD_APPROVED, THREAD_HELD
    others = plans[: len(plans) - threads]
    remaining = comment_count - threads * (THREAD_APPROVED + THREAD_HELD)
    if others and remaining > 0:
        # Most articles get a few comments, a third none, some a hundred or more.
        weights = [0.0 if rng.random() < 0.35 else min(rng.paretovariate(1.8), 40.0) for _ in others]
        total = sum(weights) or 1.0
        counts = [math.floor(remaining * weight / total) for weight in weights]
        commented = [index for index, weight in enumerate(weights) if weight] or list(range(len(others)))
        for index in rng.choices(commented, k=remaining - sum(counts)):
            counts[index] += 1
        for plan, count in zip(others, counts, strict=True):
            plan.held = sum(1 for _ in range(count) if rng.random() < 0.08)
            plan.approved = count - plan.held
    return plans, [plan.pk for plan in thread_plans]


def article_rows(plans: list[ArticlePlan], ref: Reference, rng: random.Random, links: dict) -> Iterator[dict]:
    """The articles' rows; their links are collected in ``links`` on the way."""
    from articles.models import Article

    commune_weights = zipf_weights(len(ref.communes), 0.8)
    person_weights = zipf_weights(len(ref.personalities))
    tag_weights = zipf_weights(len(ref.tags), 0.9)
    author_weights = zipf_weights(len(ref.journalists), 0.5)
    places = [*ref.communes, *ref.other_places]
    newest_featured = plans[-THREAD_ARTICLES - 1].pk if len(plans) > THREAD_ARTICLES else plans[-1].pk
    for plan in plans:
        commune = rng.choices(ref.communes, cum_weights=commune_weights)[0]
        territory_ids = {commune.pk}
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            territory_ids.add((rng.choice(places) if rng.random() < 0.3 else rng.choice(ref.communes)).pk)
        if len(territory_ids) < 3 and rng.random() < 0.02:
            territory_ids.add(ref.region.pk)  # a story about the whole région
        people = {
            p.pk: p for p in rng.choices(ref.personalities, cum_weights=person_weights, k=rng.choice([0, 0, 1, 1, 2]))
        }
        tag_ids = {t.pk for t in rng.choices(ref.tags, cum_weights=tag_weights, k=rng.randint(0, 4))}
        author_ids = {
            a.pk for a in rng.choices(ref.journalists, cum_weights=author_weights, k=rng.choice([1, 1, 1, 2]))
        }
        person = next(iter(people.values()), None) or rng.choice(ref.personalities)
        title, standfirst, body = article_text(rng, commune.name, person.name)
        links["territories"] += [{"article_id": plan.pk, "territory_id": pk} for pk in sorted(territory_ids)]
        links["personalities"] += [{"article_id": plan.pk, "personality_id": pk} for pk in people]
        links["tags"] += [{"content_object_id": plan.pk, "tag_id": pk} for pk in sorted(tag_ids)]
        links["authors"] += [{"article_id": plan.pk, "user_id": pk} for pk in sorted(author_ids)]
        updated = plan.published_at + timedelta(hours=rng.uniform(1, 8)) if rng.random() < 0.1 else None
        row = {
            "id": plan.pk,
            "title": title,
            "slug": f"{slug_of(title)[:180].rstrip('-')}-{plan.pk}",
            "section_id": rng.choice(ref.sections).pk,
            "standfirst": standfirst,
            "body": body,
            "main_image_id": None,
            "status": Article.Status.PUBLISHED,
            "published_at": plan.published_at,
            "updated_at": updated,
            "is_featured": plan.pk == newest_featured or rng.random() < 0.01,
            "comments_mode": Article.CommentsMode.MODERATED.value,
            "comment_count": plan.approved,
            "created_at": plan.published_at - timedelta(minutes=rng.randint(20, 600)),
            "modified_at": updated or plan.published_at,
        }
        yield row | rendered_fields(Article(title=title, standfirst=standfirst, body=body))


def rendered_fields(article: Any) -> dict[str, Any]:
    """What the model itself stores at save time from the text (the rendered body, the reading
    time), computed by its own method: pages then read it as they would after a save."""
    from articles.body import References

    if not hasattr(article, "render_body_html"):
        return {}
    article.render_body_html(References(images={}, articles={}))
    return {name: getattr(article, name) for name in type(article).RENDERED_FIELDS}


def comment_rows(plans: list[ArticlePlan], ref: Reference, rng: random.Random, now: datetime, first_pk: int):
    """Every article's thread in order: replies come after their parent, to an approved comment."""
    from comments.models import Comment

    # The comment's stored HTML, by the model's own rendering, once per distinct text.
    stored_html = hasattr(Comment, "render_body") and "body_html" in {f.attname for f in Comment._meta.concrete_fields}
    rendered: dict[str, str] = {}
    pk = first_pk
    for plan in plans:
        count = plan.approved + plan.held
        if not count:
            continue
        end = min(plan.published_at + COMMENTS_CLOSE_AFTER, now)
        still_open = end == now
        start_ts, end_ts = plan.published_at.timestamp() + 60, end.timestamp()
        times = sorted(rng.uniform(start_ts, max(start_ts, end_ts)) for _ in range(count))
        statuses = [Comment.Status.APPROVED] * plan.approved
        held = (
            [Comment.Status.PENDING, Comment.Status.SPAM]
            if still_open
            else [Comment.Status.REJECTED, Comment.Status.SPAM]
        )
        statuses += [held[index % 2] for index in range(plan.held)]
        rng.shuffle(statuses)
        repliable: list[tuple[int, int]] = []  # (pk, depth) of approved comments shown so far
        for moment, status in zip(times, statuses, strict=True):
            created_at = datetime.fromtimestamp(moment, tz=UTC)
            parent_id, depth = None, 1
            if repliable and rng.random() < 0.35:
                parent_id, parent_depth = rng.choice(repliable)
                depth = parent_depth + 1
            if status == Comment.Status.APPROVED and depth < MAX_DEPTH:
                repliable.append((pk, depth))
            name = rng.choice(words.COMMENTER_NAMES)
            moderated = status != Comment.Status.PENDING
            text = comment_text(rng)
            row = {
                "id": pk,
                "article_id": plan.pk,
                "parent_id": parent_id,
                "depth": depth,
                "author_name": name,
                "author_email": f"{slug_of(name) or 'lecteur'}.{rng.randint(1, 5000)}@example.org",
                "author_url": "",
                "body": text,
                "status": status,
                "held_reason": "",
                "created_at": created_at,
                "ip_address": f"203.0.113.{rng.randint(1, 254)}",
                "moderated_by_id": rng.choice(ref.moderators).pk if moderated else None,
                "moderated_at": created_at + timedelta(minutes=rng.randint(2, 240)) if moderated else None,
                "erased_at": None,
            }
            if stored_html:
                if text not in rendered:
                    rendered[text] = Comment(body=text).render_body()
                row["body_html"] = rendered[text]
            yield row
            pk += 1


def next_pk(model: type[models.Model], using: str) -> int:
    last = model.objects.using(using).order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def generate(
    articles: int,
    comments: int,
    *,
    seed: int = 1,
    using: str = "default",
    stream=None,
) -> Summary:
    """Fill an empty, migrated database with the archive described in this module's docstring."""
    from articles.models import Article, TaggedArticle
    from comments.models import Comment

    stream = stream or sys.stderr
    if Article.objects.using(using).exists():
        raise RuntimeError("The database already holds articles: the generator needs an empty, migrated database.")
    connection = connections[using]
    rng = random.Random(seed)
    now = timezone.now()
    summary = Summary()

    def step(name: str, started: float) -> None:
        summary.seconds[name] = round(time.perf_counter() - started, 2)
        print(f"{name}: {summary.seconds[name]:.1f} s", file=stream, flush=True)

    started = time.perf_counter()
    with transaction.atomic(using=using):
        ref = create_reference_data(rng)
        plans, summary.thread_article_ids = plan_archive(articles, comments, rng, now, next_pk(Article, using))
        step("reference data and plan", started)

        started = time.perf_counter()
        links: dict[str, list[dict]] = {"territories": [], "personalities": [], "tags": [], "authors": []}
        writer = TableWriter(Article, using, explicit_pk=True, now=now)
        summary.articles = writer.write(article_rows(plans, ref, rng, links), Progress("articles", articles, stream))
        for name, model in [
            ("territories", Article.territories.through),
            ("personalities", Article.personalities.through),
            ("tags", TaggedArticle),
            ("authors", Article.authors.through),
        ]:
            TableWriter(model, using, explicit_pk=False, now=now).write(links[name])
        step(f"{articles:,} articles and their links", started)

        started = time.perf_counter()
        total_comments = sum(plan.approved + plan.held for plan in plans)
        writer = TableWriter(Comment, using, explicit_pk=True, now=now)
        summary.comments = writer.write(
            comment_rows(plans, ref, rng, now, next_pk(Comment, using)), Progress("comments", total_comments, stream)
        )
        summary.approved_comments = sum(plan.approved for plan in plans)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Article, Comment]):
                cursor.execute(sql)
        step(f"{summary.comments:,} comments", started)

    started = time.perf_counter()
    refresh_search_data(plans, using, stream)
    step("search data", started)

    # COPY skips the signals that keep each subject's latest publication for the sitemaps.
    from articles.subject_dates import recompute_all

    started = time.perf_counter()
    recompute_all()
    step("subjects' dates", started)

    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # A freshly loaded table has no statistics yet and no visibility map. (VACUUM cannot
            # run inside a transaction, such as a test's: statistics are what matters there.)
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        step("VACUUM ANALYZE", started)
    return summary


def refresh_search_data(plans: list[ArticlePlan], using: str, stream) -> None:
    """The project's own indexer (what signals and rebuild_search_index run), in ranges of ids."""
    from articles.models import Article
    from search.indexing import refresh_articles

    if not plans:
        return
    progress = Progress("search data", len(plans), stream)
    pks = [plan.pk for plan in plans]
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        refresh_articles(Article.objects.using(using).filter(pk__gte=chunk[0], pk__lte=chunk[-1]))
        progress.advance(len(chunk))
