"""A synthetic WordPress export (WXR 1.2) of a French regional news site, at any size, for the import's benchmark.

``write_export(path, posts=10_000)`` streams the file item by item (bench/wxr.py), so that
its size costs no memory: only each post's id, address and status are kept, for links
between posts. The same arguments and seed always write the same file.

What it holds, shaped like a newsroom's WordPress of the last ten years:

- 20 authors; 12 categories, some nested (a sub-category under Économie, Sport, Culture);
  300 ``post_tag`` terms, 60 ``ville`` terms and 40 ``personnalite`` terms, as the
  custom taxonomies of such sites name them;
- ``posts`` posts, oldest first (ids with gaps, where revisions and attachments took
  numbers): mostly published, some drafts, some pending review, a few scheduled
  (``future``) and a few sticky ones; each in one category (sometimes two), 0–4 tags,
  1–2 towns and 0–2 people;
- bodies of 2–3 KB as WordPress stores them: the classic editor's text (paragraphs
  separated by blank lines, which ``wpautop`` turns into ``<p>`` on display) and, for
  a share of the posts written since WordPress 5 (2019), the block editor's markup;
  a bold lead, ``<h3>`` sub-headings, a ``<ul>``, italics, a link to an earlier post by
  ``?p=ID`` and one by its old permalink; now and then a ``[note]`` box whose quotes
  WordPress's « smart quotes » mangled, a blockquote, or a shortcode of some plug-in;
- ``comments_per_post`` comments per post on average (popular posts get more): threads
  with replies, mostly approved, some pending, a few spam or binned, a few pingbacks.

Nothing here imports Django: the benchmark script writes the file before setting it up.
"""

import itertools
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import vocabulary as words
from . import wxr

SITE = "https://www.le-republicain-lorrain.example"
NOW = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # the default « today » of the export: scheduled posts come after
ARCHIVE_YEARS = 9
BLOCK_EDITOR_SINCE = datetime(2019, 1, 1, tzinfo=UTC)
AUTHOR_COUNT = 20
TAG_COUNT = 300
TOWN_COUNT = 60
PERSON_COUNT = 40

# (slug, name as WordPress stores it — « & » escaped —, parent slug)
CATEGORIES = [
    ("actualite", "Actualité", ""),
    ("economie", "Économie &amp; emploi", ""),
    ("emploi", "Emploi", "economie"),
    ("commerce", "Commerce", "economie"),
    ("politique", "Politique", ""),
    ("sport", "Sport", ""),
    ("football", "Football", "sport"),
    ("culture", "Culture &amp; loisirs", ""),
    ("festivals", "Festivals", "culture"),
    ("faits-divers", "Faits divers", ""),
    ("transfrontalier", "Transfrontalier", ""),
    ("vie-locale", "Vie locale", ""),
]
# Towns beyond the vocabulary's forty communes, to make sixty.
MORE_TOWNS = [
    "Bitche",
    "Creutzwald",
    "Fameck",
    "Florange",
    "Rombas",
    "Amnéville",
    "Maizières-lès-Metz",
    "Marly",
    "Talange",
    "Stiring-Wendel",
    "Freyming-Merlebach",
    "Hagondange",
    "Dieuze",
    "Château-Salins",
    "Boulay-Moselle",
    "Mondelange",
    "Sarralbe",
    "Neuves-Maisons",
    "Frouard",
    "Essey-lès-Nancy",
]
# Statuses, by weight: mostly published.
STATUSES = [("publish", 930), ("draft", 35), ("pending", 20), ("future", 10), ("private", 5)]
COMMENT_STATUSES = [("1", 85), ("0", 9), ("spam", 4), ("trash", 1)]
STICKY_POSTS = 5
# [note] boxes as found in real posts: typed with straight quotes, then « corrected » by
# WordPress (wptexturize) or by a word processor the text was pasted from.
NOTE_OPENINGS = [
    "[note color= »#ffcc00″]",
    "[note color=”#ffcc00″]",
    "[note color=&#8221;#ffcc00&#8243;]",
    '[note color="#e8f4fd"]',
    "[note color= »#fde8e8″ title= »À savoir″]",
]
# Shortcodes of plug-ins the newsroom does not have: their text is kept, the code reported.
UNKNOWN_SHORTCODES = [
    '[contact-form-7 id="{n}" title="Contact rédaction"]',
    '[su_button url="https://billetterie.example/{n}" style="flat"]Réserver[/su_button]',
    '[adrotate banner="{n}"]',
    "[embed]https://www.youtube.com/watch?v=dQw4w9Wg{n}[/embed]",
    '[sondage id="{n}"]Votre avis nous intéresse[/sondage]',
]


def wordpress_slug(text: str) -> str:
    """What WordPress's sanitize_title() makes of a title: no accents, lower case, words joined by hyphens."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("’", "-").replace("'", "-")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())


@dataclass
class ExportSummary:
    """What was written, for the benchmark to compare the import's report with."""

    path: str
    posts: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    comments: int = 0  # all of them, pingbacks included
    comments_by_status: dict[str, int] = field(default_factory=dict)
    pingbacks: int = 0
    replies: int = 0
    authors: int = AUTHOR_COUNT
    terms: dict[str, int] = field(default_factory=dict)
    notes: int = 0
    unknown_shortcodes: int = 0
    block_editor_posts: int = 0
    bytes: int = 0

    @property
    def importable_posts(self) -> int:
        """Posts the import brings by default: published, scheduled, drafts and pending ones."""
        return sum(self.by_status.get(status, 0) for status in ("publish", "future", "draft", "pending"))

    @property
    def importable_comments(self) -> int:
        """Approved and pending comments of the posts imported (spam, bin and pingbacks are not)."""
        return self.comments_by_status.get("1", 0) + self.comments_by_status.get("0", 0)


@dataclass
class Post:
    """What later posts need of an earlier one: a link to it."""

    post_id: int
    link: str


class Vocabulary:
    """The export's people, places and terms, drawn once from the seed."""

    def __init__(self, rng: random.Random) -> None:
        names = [(first, last) for last in words.LAST_NAMES for first in words.FIRST_NAMES]
        rng.shuffle(names)
        # One author per login (« cmuller »): WordPress logins are unique.
        logins: dict[str, tuple[str, str]] = {}
        for first, last in names:
            logins.setdefault(wordpress_slug(f"{first[0]}{last}"), (first, last))
        writers = list(logins.values())[:AUTHOR_COUNT]
        self.authors = [
            wxr.Author(
                login=wordpress_slug(f"{first[0]}{last}"),
                email=f"{wordpress_slug(first)}.{wordpress_slug(last)}@redaction.example",
                display_name=f"{first} {last}",
                first_name=first,
                last_name=last,
            )
            for first, last in writers
        ]
        self.people = [f"{first} {last}" for first, last in names if (first, last) not in writers][:PERSON_COUNT]
        communes = [name for towns in words.COMMUNES_BY_DEPARTEMENT.values() for name in towns]
        self.towns = (communes + MORE_TOWNS)[:TOWN_COUNT]
        self.tags = list(words.TAG_NAMES)
        # Tags as newsrooms let them pile up: a topic and a town, a club, an event of a year.
        combinations = itertools.product(words.TAG_NAMES, self.towns)
        for topic, town in sorted(combinations, key=lambda _: rng.random()):
            if len(self.tags) >= TAG_COUNT:
                break
            self.tags.append(f"{topic} à {town}")
        self.categories = CATEGORIES
        self.term_id = itertools.count(2)  # 1 is « Non classé », which these posts never use

    def terms(self) -> list[wxr.Term]:
        terms = [wxr.Term(next(self.term_id), "category", slug, name, parent) for slug, name, parent in CATEGORIES]
        terms += [wxr.Term(next(self.term_id), "post_tag", wordpress_slug(name), name) for name in self.tags]
        terms += [wxr.Term(next(self.term_id), "ville", wordpress_slug(name), name) for name in self.towns]
        terms += [wxr.Term(next(self.term_id), "personnalite", wordpress_slug(name), name) for name in self.people]
        return terms


class Writer:
    """Draws posts and comments one after the other from the seed."""

    def __init__(self, posts: int, comments_per_post: float, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.vocabulary = Vocabulary(self.rng)
        self.now = now
        self.post_count = posts
        self.first_date = now - timedelta(days=365 * ARCHIVE_YEARS)
        self.comment_ids = itertools.count(1)
        self.published: list[Post] = []
        self.slugs: set[str] = set()
        self.summary: ExportSummary | None = None
        # Popular posts get more comments: each post's share is drawn once, then the exact
        # total is spread over them (a multinomial draw).
        shares = [self.rng.expovariate(1.0) ** 2 for _ in range(posts)]
        self.comment_counts = [0] * posts
        self.comments_carried = 0
        for index in self.rng.choices(range(posts), weights=shares, k=round(posts * comments_per_post)):
            self.comment_counts[index] += 1

    # Posts -----------------------------------------------------------------------

    def items(self, summary: ExportSummary) -> Iterator[wxr.Item]:
        self.summary = summary
        rng = self.rng
        post_id = 40
        span = (self.now - self.first_date).total_seconds()
        sticky = set(
            rng.sample(range(max(0, self.post_count - 200), self.post_count), min(STICKY_POSTS, self.post_count))
        )
        for number in range(self.post_count):
            post_id += rng.choice((1, 1, 2, 3, 5))  # revisions and attachments take ids in between
            status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
            written = self.first_date + timedelta(seconds=span * (number + rng.random()) / self.post_count)
            if status == "future":
                written = self.now + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12))
            yield self.post(post_id, number, status, written.replace(microsecond=0), number in sticky)

    def post(self, post_id: int, number: int, status: str, written: datetime, sticky: bool) -> wxr.Item:
        rng, vocabulary = self.rng, self.vocabulary
        town = rng.choice(vocabulary.towns)
        person = rng.choice(vocabulary.people)
        headline = rng.choice(words.HEADLINES)
        title = f"{town} : {headline}" if rng.random() < 0.7 else f"{headline[0].upper()}{headline[1:]}"
        slug = wordpress_slug(title)[:190]
        if slug in self.slugs:  # as WordPress does: « -2 », « -3 »…
            slug = next(f"{slug}-{n}" for n in itertools.count(2) if f"{slug}-{n}" not in self.slugs)
        self.slugs.add(slug)
        published = status in {"publish", "future"}
        link = f"{SITE}/{written:%Y/%m/%d}/{slug}/" if published else f"{SITE}/?p={post_id}"
        block_editor = written >= BLOCK_EDITOR_SINCE and rng.random() < 0.5
        content = self.body(town, person, block_editor)
        category = rng.choice(CATEGORIES)
        terms = [("category", category[0], category[1])]
        if rng.random() < 0.15:
            other = rng.choice(CATEGORIES)
            if other != category:
                terms.append(("category", other[0], other[1]))
        towns = {town, *rng.sample(vocabulary.towns, rng.choice((0, 0, 1)))}
        terms += [("post_tag", wordpress_slug(t), t) for t in rng.sample(vocabulary.tags, rng.randint(0, 4))]
        terms += [("ville", wordpress_slug(t), t) for t in sorted(towns)]
        people = {person} if rng.random() < 0.6 else set()
        people |= set(rng.sample(vocabulary.people, rng.choice((0, 0, 0, 1))))
        terms += [("personnalite", wordpress_slug(p), p) for p in sorted(people)]
        author = rng.choice(vocabulary.authors)
        excerpt = rng.choice(words.SENTENCES).format(place=town, person=person) if rng.random() < 0.3 else ""
        date_gmt = written if status != "draft" or rng.random() < 0.5 else None  # drafts often have no GMT date
        item = wxr.Item(
            post_id=post_id,
            title=title,
            slug=slug if status != "draft" or rng.random() < 0.5 else "",  # a draft gets its slug when published
            content=content,
            excerpt=excerpt,
            status=status,
            date=written + timedelta(hours=1),  # Paris time, near enough
            date_gmt=date_gmt,
            creator=author.login,
            link=link,
            sticky=sticky,
            terms=terms,
            meta={"_edit_last": str(1 + self.vocabulary.authors.index(author)), "_wp_page_template": "default"},
            comments=list(self.comments(self.comments_of(number, status), written)),
        )
        summary = self.summary
        summary.posts += 1
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
        summary.block_editor_posts += block_editor
        if status == "publish":
            self.published.append(Post(post_id, link))
        return item

    def body(self, town: str, person: str, block_editor: bool) -> str:
        """2–3 KB of a news story, as WordPress stores it (no <p>: wpautop adds them on display)."""
        rng = self.rng
        blocks: list[tuple[str, str]] = []  # (kind, html)

        def paragraph() -> str:
            count = rng.randint(2, 4)
            return " ".join(rng.choice(words.SENTENCES) for _ in range(count)).format(place=town, person=person)

        lead = paragraph()
        first, _, rest = lead.partition(" ")
        blocks.append(("p", f"<strong>{first} {rest.partition('.')[0]}.</strong>{rest.partition('.')[2]}"))
        target = rng.randint(2000, 2900)
        size = len(blocks[0][1])
        links = self.links_to_earlier_posts()
        extras = ["h3", "ul", "quote"] + (["note"] if rng.random() < 0.3 else [])
        extras += ["shortcode"] if rng.random() < 0.1 else []
        while size < target or extras or links:
            kind = extras.pop(0) if extras and rng.random() < 0.35 else "p"
            if kind == "p":
                text = paragraph()
                if links and rng.random() < 0.5:
                    text += f" Lire aussi : {links.pop()}."
                if rng.random() < 0.2:
                    text = text.replace(town, f"<em>{town}</em>", 1)
                blocks.append(("p", text))
            elif kind == "h3":
                blocks.append(("h3", f"<h3>{rng.choice(words.SUBHEADINGS)}</h3>"))
            elif kind == "ul":
                items = "\n".join(f"<li>{item}</li>" for item in rng.sample(words.LIST_ITEMS, rng.randint(3, 5)))
                blocks.append(("ul", f"<ul>\n{items}\n</ul>"))
            elif kind == "quote":
                blocks.append(("quote", f"<blockquote>« {rng.choice(words.QUOTES)} », {person}.</blockquote>"))
            elif kind == "note":
                self.summary.notes += 1
                text = rng.choice(words.SENTENCES).format(place=town, person=person)
                blocks.append(("shortcode", f"{rng.choice(NOTE_OPENINGS)}{text}[/note]"))
            else:
                self.summary.unknown_shortcodes += 1
                code = rng.choice(UNKNOWN_SHORTCODES).format(n=rng.randint(2, 400))
                blocks.append(("shortcode", code))
            size += len(blocks[-1][1])
        if block_editor:
            return "\n\n".join(_as_block(kind, html) for kind, html in blocks)
        return "\n\n".join(html for _, html in blocks)

    def links_to_earlier_posts(self) -> list[str]:
        """Two links to earlier published posts: one by ``?p=ID``, one by its permalink (none for the first posts)."""
        if len(self.published) < 2:
            return []
        by_id, by_address = self.rng.sample(self.published, 2)
        return [
            f'<a href="{SITE}/?p={by_id.post_id}">notre précédent article</a>',
            f'<a href="{by_address.link}">l’épisode précédent</a>',
        ]

    # Comments --------------------------------------------------------------------

    def comments_of(self, number: int, status: str) -> int:
        """How many comments the post gets: only published posts have readers, the others' go to the next one."""
        self.comments_carried += self.comment_counts[number]
        if status != "publish":
            return 0
        count, self.comments_carried = self.comments_carried, 0
        return count

    def comments(self, count: int, published: datetime) -> Iterator[wxr.Comment]:
        rng, summary = self.rng, self.summary
        written = published
        approved: list[int] = []
        for _ in range(count):
            comment_id = next(self.comment_ids)
            written += timedelta(minutes=rng.randint(3, 600))
            name = rng.choice(words.COMMENTER_NAMES)
            summary.comments += 1
            if rng.random() < 0.02:
                summary.pingbacks += 1
                yield wxr.Comment(
                    comment_id,
                    f"[…] comme le rapporte {SITE.split('//')[1]} […]",
                    author="Blog des frontaliers",
                    url="https://blog-frontaliers.example/revue-de-presse/",
                    date=written + timedelta(hours=1),
                    date_gmt=written,
                    comment_type="pingback",
                )
                continue
            status = rng.choices([s for s, _ in COMMENT_STATUSES], weights=[w for _, w in COMMENT_STATUSES])[0]
            parent = rng.choice(approved) if approved and rng.random() < 0.3 else 0
            summary.replies += bool(parent)
            text = " ".join(rng.choice(words.COMMENT_SENTENCES) for _ in range(rng.randint(1, 3)))
            if status == "spam":
                text = "Gagnez 500 € par jour depuis chez vous ! https://argent-facile.example/"
            yield wxr.Comment(
                comment_id,
                text.replace(". ", ".\n", 1) if rng.random() < 0.3 else text,
                author=name,
                email=f"{wordpress_slug(name) or 'lecteur'}{comment_id}@courriel.example",
                url="https://mon-blog.example/" if rng.random() < 0.05 else "",
                ip=f"192.0.2.{rng.randint(1, 254)}",
                date=written + timedelta(hours=1),
                date_gmt=written,
                approved=status,
                parent=parent,
            )
            summary.comments_by_status[status] = summary.comments_by_status.get(status, 0) + 1
            if status == "1":
                approved.append(comment_id)


def _as_block(kind: str, html: str) -> str:
    """A piece of the body as the block editor (Gutenberg) stores it."""
    if kind == "p":
        return f"<!-- wp:paragraph -->\n<p>{html}</p>\n<!-- /wp:paragraph -->"
    if kind == "h3":
        return f'<!-- wp:heading {{"level":3}} -->\n{html}\n<!-- /wp:heading -->'
    if kind == "ul":
        return f"<!-- wp:list -->\n{html.replace(chr(10), '')}\n<!-- /wp:list -->"
    if kind == "quote":
        inner = html.removeprefix("<blockquote>").removesuffix("</blockquote>")
        return f'<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>{inner}</p></blockquote>\n<!-- /wp:quote -->'
    return f"<!-- wp:shortcode -->\n{html}\n<!-- /wp:shortcode -->"


def write_export(
    path: Path | str,
    posts: int = 10_000,
    comments_per_post: float = 5,
    *,
    seed: int = 1,
    now: datetime = NOW,
) -> ExportSummary:
    """Write the export to ``path``, one post at a time; what it holds, counted."""
    path = Path(path)
    writer = Writer(posts, comments_per_post, seed, now)
    summary = ExportSummary(path=str(path))
    vocabulary = writer.vocabulary
    terms = vocabulary.terms()
    for term in terms:
        summary.terms[term.taxonomy] = summary.terms.get(term.taxonomy, 0) + 1
    with path.open("w", encoding="utf-8") as stream:
        stream.write(wxr.header(SITE, title="Le Républicain lorrain", authors=vocabulary.authors, terms=terms))
        for item in writer.items(summary):
            stream.write(item.xml())
        stream.write(wxr.FOOTER)
    summary.bytes = path.stat().st_size
    return summary
