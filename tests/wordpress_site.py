"""The export of a real WordPress 6 site, as « Outils › Exporter » writes it, for the tests of issue 24.

Nothing here is copied from a real site: ``write_site(folder)`` writes a small French news
site in WXR 1.2 (bench.wxr) with what real sites hold and earlier imports got wrong:

- posts of every status (publish, draft, pending, private, future, trash — its slug ending in
  ``__trashed`` as WordPress renames it), a sticky one, one protected by a password;
- a reusable block (``wp_block``, a subscription box) used in two posts; footnotes
  (``<!-- wp:footnotes /-->`` and the ``footnotes`` meta, WordPress 6.3+); a table block; a
  gallery block with the attachments' ids and a classic ``[gallery]`` without ids (the
  attachments whose parent is the post); a PDF attachment and a file block linking to it;
- real small JPEGs as attachments, one with a file name as its alt (« DSC_0042 »), one with
  no alt but an ``<img alt>`` in the post, written in ``media/`` (a copy of ``wp-content/uploads``,
  for ``--media-dir`` or a local HTTP server);
- pages: « À propos » with a child page, « Mentions légales », a draft page;
- categories with accents, a sub-category, an emoji tag (its slug percent-encoded, as
  WordPress stores it), ``ville`` and ``personnalite`` terms; a 4-level comment thread;
- four authors, one whose display name is their login (WordPress's default);
- Yoast SEO title, description and primary category.

The same site is written whole (``site.xml``, « Tout le contenu ») and split as WordPress
splits it when asked for one kind at a time: ``articles.xml`` (« Articles »: posts only) and
``medias.xml`` (« Médias »: attachments only). ``Site`` says what a test checks: the texts
that must never be public, each post's paragraphs, the old addresses and what they must answer.
"""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

from PIL import Image as Pillow

from bench import wxr

SITE = "https://www.gazette-du-val.example"
UPLOADS = f"{SITE}/wp-content/uploads"
PASSWORD = "abonne2024"
NOW = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)  # the day of the export
FUTURE = datetime(2099, 1, 15, 6, 0, tzinfo=UTC)  # a scheduled post, later than any test's today

# Texts that must never reach a reader, whatever the page: each is in one non-public item only.
PROTECTED_TEXT = "Le détail des tarifs réservés aux abonnés zx-protege-91"
PROTECTED_COMMENT = "Commentaire sous l’article protégé zx-protege-com-17"
PRIVATE_TEXT = "Note interne de la rédaction zx-prive-42"
DRAFT_TEXT = "Brouillon pas encore relu zx-brouillon-73"
PENDING_TEXT = "Article en attente de relecture zx-attente-58"
TRASH_TEXT = "Article mis à la corbeille zx-corbeille-66"
DRAFT_PAGE_TEXT = "Page en préparation zx-page-brouillon-29"
SECRET_TEXTS = [PROTECTED_TEXT, PROTECTED_COMMENT, PRIVATE_TEXT, DRAFT_TEXT, PENDING_TEXT, TRASH_TEXT, DRAFT_PAGE_TEXT]

BLOCK_TEXT = "Abonnez-vous à la Gazette du Val : 1 € le premier mois."
FOOTNOTES = [
    ("b0b5f3a1-6c1e-4e7b-9a53-3c1d2f7e8a01", "Chiffres de la préfecture, mai 2024."),
    ("c2d4e6f8-1a3b-4c5d-8e9f-0a1b2c3d4e02", "Selon l’Insee, recensement de 2021."),
]
TABLE_CELLS = ["Commune", "Habitants", "Épinal", "32 188", "Saint-Dié-des-Vosges", "19 345"]

AUTHORS = [
    wxr.Author("admin", "admin@gazette-du-val.example", "admin", author_id=1),  # display name = login
    wxr.Author("mleroy", "m.leroy@gazette-du-val.example", "Marie Leroy", "Marie", "Leroy", author_id=2),
    wxr.Author("pgarnier", "p.garnier@gazette-du-val.example", "Paul Garnier", "Paul", "Garnier", author_id=3),
    wxr.Author("secretariat", "secretariat@gazette-du-val.example", "Secrétariat de rédaction", author_id=4),
]
EMOJI_TAG = ("%f0%9f%9a%b2-velo", "🚲 Vélo")
TERMS = [
    wxr.Term(2, "category", "economie", "Économie"),
    wxr.Term(3, "category", "societe", "Société"),
    wxr.Term(4, "category", "vie-associative", "Vie associative", parent="societe"),
    wxr.Term(5, "category", "faits-divers", "Faits divers"),
    wxr.Term(6, "post_tag", EMOJI_TAG[0], EMOJI_TAG[1]),
    wxr.Term(7, "post_tag", "marche", "Marché"),
    wxr.Term(8, "ville", "epinal", "Épinal"),
    wxr.Term(9, "ville", "saint-die-des-vosges", "Saint-Dié-des-Vosges"),
    wxr.Term(10, "personnalite", "michel-heinrich", "Michel Heinrich"),
]
CATEGORY = {term.slug: ("category", term.slug, term.name) for term in TERMS if term.taxonomy == "category"}
TAG = {term.slug: (term.taxonomy, term.slug, term.name) for term in TERMS if term.taxonomy != "category"}

# (attachment id, file under uploads, alt, caption, parent post, size)
IMAGES = [
    (31, "2024/05/marche-couvert.jpg", "Les étals du marché couvert d’Épinal", "Le marché couvert", 101, (1200, 800)),
    (32, "2024/05/DSC_0042.jpg", "DSC_0042", "", 101, (1200, 800)),  # a file name as alt: never shown
    (33, "2024/05/fromager.jpg", "", "", 101, (800, 600)),  # no alt: the post's <img alt> gives it
    (34, "2024/05/velo-route.jpg", "Cyclistes sur la route des Crêtes", "", 105, (900, 600)),
    (35, "2024/05/velo-depart.jpg", "Le départ de la randonnée devant la mairie", "", 105, (900, 600)),
]
PDF = (40, "2024/05/budget-primitif-2024.pdf", "Budget primitif 2024", 103)
IMG_ALT_IN_POST = "Un fromager sert une cliente au marché"


def jpeg(size, colour) -> bytes:
    data = BytesIO()
    Pillow.new("RGB", size, colour).save(data, "JPEG", quality=85)
    return data.getvalue()


def pdf(title: str) -> bytes:
    """A one-page PDF any reader opens: enough to be a document, with its cross-reference table."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start))
    return out.getvalue()


def permalink(date: datetime, slug: str) -> str:
    return f"{SITE}/{date:%Y/%m/%d}/{slug}/"


def paragraph(text: str) -> str:
    return f"<!-- wp:paragraph -->\n<p>{text}</p>\n<!-- /wp:paragraph -->"


def blocks(*parts: str) -> str:
    return "\n\n".join(parts)


def image_block(attachment_id: int, path: str, alt: str, *, resized="-1024x683") -> str:
    stem, extension = path.rsplit(".", 1)
    return (
        f'<!-- wp:image {{"id":{attachment_id},"sizeSlug":"large","linkDestination":"none"}} -->\n'
        f'<figure class="wp-block-image size-large"><img src="{UPLOADS}/{stem}{resized}.{extension}" '
        f'alt="{alt}" class="wp-image-{attachment_id}"/></figure>\n<!-- /wp:image -->'
    )


@dataclass
class Post:
    """One post or page of the site, with what a test checks of it."""

    item: wxr.Item
    paragraphs: list[str] = field(default_factory=list)  # every text of its body a reader must find
    public: bool = True  # what WordPress showed anyone

    @property
    def old_address(self) -> str:
        return self.item.link.removeprefix(SITE)


@dataclass
class Site:
    folder: Path
    whole: Path  # « Tout le contenu »
    articles: Path  # « Articles » alone
    medias: Path  # « Médias » alone
    media_dir: Path  # a copy of wp-content/uploads
    posts: dict[int, Post]
    attachments: list[wxr.Item]

    def public_posts(self, post_type="post") -> list[Post]:
        return [post for post in self.posts.values() if post.public and post.item.post_type == post_type]

    def hidden_posts(self) -> list[Post]:
        return [post for post in self.posts.values() if not post.public]

    def old_addresses(self) -> dict[str, bool]:
        """Every old address of the issue's list → whether it led to something public (301 → 200) or not (404)."""
        addresses = {}
        for post in self.posts.values():
            item = post.item
            addresses[post.old_address] = post.public
            addresses[f"/?{'page_id' if item.post_type == 'page' else 'p'}={item.post_id}"] = post.public
        for attachment_id, path, *_ in IMAGES:
            stem, extension = path.rsplit(".", 1)
            addresses[f"/wp-content/uploads/{path}"] = True
            addresses[f"/wp-content/uploads/{stem}-1024x683.{extension}"] = True
            addresses[f"/?attachment_id={attachment_id}"] = True
        addresses[f"/wp-content/uploads/{PDF[1]}"] = True
        addresses[f"/?attachment_id={PDF[0]}"] = True
        addresses["/category/economie/"] = True
        addresses["/category/societe/vie-associative/"] = True
        addresses[f"/tag/{EMOJI_TAG[0]}/"] = True
        addresses["/tag/%F0%9F%9A%B2-velo/"] = True
        addresses["/tag/marche/"] = True
        addresses["/author/mleroy/"] = True
        addresses["/2024/05/"] = True
        addresses["/2024/"] = True
        addresses["/2024/05/14/"] = True
        addresses["/feed/"] = True
        addresses["/?p=9999"] = False  # nothing of that number
        addresses["/?page_id=9999"] = False
        return addresses


def _comment_thread(first_id: int, start: datetime) -> list[wxr.Comment]:
    """Four levels of replies, as WordPress's threaded comments allow by default (five)."""
    texts = [
        ("Sylvie", "Enfin un marché couvert digne de ce nom !"),
        ("Marc", "D’accord, mais les places de parking manquent."),
        ("Sylvie", "Il y a le parking de la gare, à cinq minutes."),
        ("Marc", "Cinq minutes avec des cageots, c’est long !"),
    ]
    return [
        wxr.Comment(
            first_id + level,
            text,
            author=author,
            email=f"{author.lower()}@lecteurs.example",
            date_gmt=start + timedelta(hours=level + 1),
            parent=first_id + level - 1 if level else 0,
        )
        for level, (author, text) in enumerate(texts)
    ]


def build_posts() -> dict[int, Post]:
    posts: dict[int, Post] = {}

    def add(post_id, title, slug, date, body, paragraphs, *, creator="mleroy", status="publish", public=True, **more):
        date_link = date if status not in {"draft", "pending"} else None
        item = wxr.Item(
            post_id, title, slug=slug, content=body, status=status, date=date, date_gmt=date, creator=creator,
            link=permalink(date_link, slug) if date_link and slug else f"{SITE}/?p={post_id}", **more,
        )  # fmt: skip
        posts[post_id] = Post(item, paragraphs, public)

    may = datetime(2024, 5, 14, 7, 30, tzinfo=UTC)
    market = [
        "Le nouveau marché couvert d’Épinal a ouvert ses portes samedi matin.",
        "Trente-deux commerçants y tiennent un étal, dont huit producteurs bio.",
        IMG_ALT_IN_POST,
    ]
    add(
        101, "Le marché couvert d’Épinal ouvre ses portes", "marche-couvert-epinal", may,
        blocks(
            paragraph(market[0]),
            image_block(31, IMAGES[0][1], IMAGES[0][2]),
            paragraph(market[1]),
            '<!-- wp:gallery {"linkTo":"none"} -->\n<figure class="wp-block-gallery has-nested-images columns-default '
            'is-cropped">' + image_block(32, IMAGES[1][1], "DSC_0042") + image_block(33, IMAGES[2][1], IMG_ALT_IN_POST)
            + "</figure>\n<!-- /wp:gallery -->",
            "<!-- wp:block {\"ref\":90} /-->",
        ),
        market[:2] + [BLOCK_TEXT],
        terms=[CATEGORY["economie"], CATEGORY["societe"], TAG["marche"], TAG["epinal"]], sticky=True,
        meta={
            "_thumbnail_id": "31",
            "_yoast_wpseo_title": "Marché couvert d’Épinal : l’ouverture en images",
            "_yoast_wpseo_metadesc": "Trente-deux commerçants, dont huit producteurs bio, dans le nouveau marché couvert.",
            "_yoast_wpseo_primary_category": "2",
        },
        comments=_comment_thread(500, may),
    )  # fmt: skip
    population = [
        "La population du département continue de baisser[1].",
        "Les communes rurales résistent mieux que les villes[2].",
    ]
    calls = [
        f'<sup data-fn="{note_id}" class="fn"><a href="#{note_id}" id="{note_id}-link">{number}</a></sup>'
        for number, (note_id, _) in enumerate(FOOTNOTES, start=1)
    ]
    add(
        102, "Les Vosges perdent des habitants", "vosges-population", may + timedelta(days=1),
        blocks(
            paragraph(population[0].replace("[1]", calls[0])),
            paragraph(population[1].replace("[2]", calls[1])),
            '<!-- wp:table -->\n<figure class="wp-block-table"><table><thead><tr><th>Commune</th><th>Habitants</th>'
            "</tr></thead><tbody><tr><td>Épinal</td><td>32 188</td></tr><tr><td>Saint-Dié-des-Vosges</td>"
            "<td>19 345</td></tr></tbody></table><figcaption class=\"wp-element-caption\">Population municipale"
            "</figcaption></figure>\n<!-- /wp:table -->",
            "<!-- wp:footnotes /-->",
        ),
        [text.split("[")[0] for text in population] + TABLE_CELLS + [note for _, note in FOOTNOTES],
        creator="pgarnier", terms=[CATEGORY["societe"], TAG["saint-die-des-vosges"]],
        meta={"footnotes": json.dumps([{"content": note, "id": note_id} for note_id, note in FOOTNOTES])},
    )  # fmt: skip
    budget = ["Le conseil municipal a adopté le budget primitif lundi soir.", "Le document complet est en ligne."]
    add(
        103, "Épinal adopte son budget primitif", "budget-primitif-epinal", may + timedelta(days=2),
        blocks(
            paragraph(budget[0]),
            paragraph(budget[1]),
            f'<!-- wp:file {{"id":{PDF[0]},"href":"{UPLOADS}/{PDF[1]}"}} -->\n<div class="wp-block-file"><a '
            f'id="wp-block-file--media-1" href="{UPLOADS}/{PDF[1]}">{PDF[2]}</a><a href="{UPLOADS}/{PDF[1]}" '
            'class="wp-block-file__button wp-element-button" download aria-describedby="wp-block-file--media-1">'
            "Télécharger</a></div>\n<!-- /wp:file -->",
            "<!-- wp:block {\"ref\":90} /-->",
        ),
        budget + [BLOCK_TEXT],
        creator="secretariat", terms=[CATEGORY["economie"], TAG["epinal"], TAG["michel-heinrich"]],
    )  # fmt: skip
    add(
        104, "Tarifs 2024 : ce qui change pour les abonnés", "tarifs-abonnes-2024", may + timedelta(days=3),
        paragraph(PROTECTED_TEXT), [PROTECTED_TEXT], public=False, password=PASSWORD,
        terms=[CATEGORY["economie"]],
        comments=[wxr.Comment(600, PROTECTED_COMMENT, author="Abonné", date_gmt=may + timedelta(days=3, hours=2))],
    )  # fmt: skip
    ride = ["Deux cents cyclistes ont pris le départ de la randonnée des Crêtes.", "Le parcours faisait 80 km."]
    add(
        105, "Randonnée des Crêtes : deux cents cyclistes au départ", "randonnee-cretes", may + timedelta(days=4),
        "<p>" + ride[0] + "</p>\n\n[gallery columns=\"2\" size=\"medium\"]\n\n" + ride[1],  # the classic editor's
        ride, creator="admin", terms=[CATEGORY["vie-associative"], TAG[EMOJI_TAG[0]]],
    )  # fmt: skip
    add(106, "Réunion du comité de rédaction", "reunion-comite", may + timedelta(days=5), paragraph(PRIVATE_TEXT),
        [PRIVATE_TEXT], status="private", public=False, terms=[CATEGORY["societe"]])  # fmt: skip
    add(107, "Incendie rue de la Gare", "", may + timedelta(days=6), paragraph(DRAFT_TEXT), [DRAFT_TEXT],
        status="draft", public=False, terms=[CATEGORY["faits-divers"]])  # fmt: skip
    add(108, "La fête de la musique se prépare", "fete-musique", may + timedelta(days=7), paragraph(PENDING_TEXT),
        [PENDING_TEXT], status="pending", public=False, creator="pgarnier", terms=[CATEGORY["societe"]])  # fmt: skip
    add(109, "Le programme du 14 Juillet", "programme-14-juillet", FUTURE, paragraph("Feu d’artifice à 23 h."),
        ["Feu d’artifice à 23 h."], status="future", public=False, terms=[CATEGORY["societe"]])  # fmt: skip
    add(110, "Accident sur la RN 57", "accident-rn57__trashed", may + timedelta(days=2, hours=5),
        paragraph(TRASH_TEXT), [TRASH_TEXT], status="trash", public=False, terms=[CATEGORY["faits-divers"]],
        meta={"_wp_trash_meta_status": "publish", "_wp_trash_meta_time": "1717000000",
              "_wp_desired_post_slug": "accident-rn57"})  # fmt: skip
    # The reusable block: published, so that WordPress showed it where referenced.
    posts[90] = Post(
        wxr.Item(90, "Encadré abonnement", slug="encadre-abonnement", content=paragraph(BLOCK_TEXT), post_type="wp_block",
                 date=may - timedelta(days=30), date_gmt=may - timedelta(days=30), creator="admin",
                 link=f"{SITE}/?p=90"),
        [BLOCK_TEXT], public=False,  # no address of its own
    )  # fmt: skip
    # Pages: an about page with a child, the legal notice the law requires, a draft.
    spring = datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    for page_id, title, slug, text, parent, status in [
        (201, "À propos", "a-propos", "La Gazette du Val est un journal local indépendant.", 0, "publish"),
        (202, "L’équipe", "equipe", "Six journalistes et deux photographes.", 201, "publish"),
        (203, "Mentions légales", "mentions-legales", "Directeur de la publication : Marie Leroy.", 0, "publish"),
        (204, "Nos offres", "nos-offres", DRAFT_PAGE_TEXT, 0, "draft"),
    ]:
        path = f"a-propos/{slug}" if parent else slug
        posts[page_id] = Post(
            wxr.Item(page_id, title, slug=slug, content=paragraph(text), status=status, post_type="page",
                     date=spring, date_gmt=spring, creator="admin", parent=parent,
                     link=f"{SITE}/{path}/" if status == "publish" else f"{SITE}/?page_id={page_id}"),
            [text], public=status == "publish",
        )  # fmt: skip
    return posts


def attachment_items() -> list[wxr.Item]:
    items = []
    for attachment_id, path, alt, caption, parent, _size in IMAGES:
        name = path.rsplit("/", 1)[1].rsplit(".", 1)[0]
        meta = {"_wp_attached_file": path}
        if alt:
            meta["_wp_attachment_image_alt"] = alt
        items.append(
            wxr.Item(attachment_id, name, slug=name.lower().replace("_", "-"), status="inherit", post_type="attachment",
                     excerpt=caption, parent=parent, attachment_url=f"{UPLOADS}/{path}", creator="mleroy",
                     date=datetime(2024, 5, 13, 18, 0, tzinfo=UTC), date_gmt=datetime(2024, 5, 13, 18, 0, tzinfo=UTC),
                     link=f"{SITE}/?attachment_id={attachment_id}", meta=meta)
        )  # fmt: skip
    attachment_id, path, title, parent = PDF
    items.append(
        wxr.Item(attachment_id, title, slug="budget-primitif-2024", status="inherit", post_type="attachment",
                 parent=parent, attachment_url=f"{UPLOADS}/{path}", creator="secretariat",
                 date=datetime(2024, 5, 16, 9, 0, tzinfo=UTC), date_gmt=datetime(2024, 5, 16, 9, 0, tzinfo=UTC),
                 link=f"{SITE}/?attachment_id={attachment_id}", meta={"_wp_attached_file": path})
    )  # fmt: skip
    return items


def write_media(folder: Path) -> None:
    """The files of wp-content/uploads: each original and the -1024x683 copy WordPress made of it."""
    colours = ["#8a5a2b", "#4f7942", "#c9a227", "#2f4f6f", "#a23b3b"]
    for (_, path, *_rest, size), colour in zip(IMAGES, colours, strict=True):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jpeg(size, colour))
        stem, extension = path.rsplit(".", 1)
        (folder / f"{stem}-1024x683.{extension}").write_bytes(jpeg((1024, 683), colour))
    (folder / PDF[1]).write_bytes(pdf(PDF[2]))


def write_site(folder: Path) -> Site:
    """Write the site's three exports and its uploads folder under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    posts = build_posts()
    attachments = attachment_items()
    header = {"site": SITE, "title": "La Gazette du Val", "authors": AUTHORS, "terms": TERMS}
    items = [post.item for post in posts.values()]
    # « Tout le contenu »: WordPress writes items by id; attachments before the posts that show them here.
    whole = sorted(items + attachments, key=lambda item: item.post_id)
    paths = {"site.xml": whole, "articles.xml": [item for item in items if item.post_type == "post"]}
    paths["medias.xml"] = attachments
    for name, chosen in paths.items():
        (folder / name).write_text(wxr.document(chosen, **header), encoding="utf-8")
    media_dir = folder / "media"
    write_media(media_dir)
    return Site(folder, folder / "site.xml", folder / "articles.xml", folder / "medias.xml", media_dir, posts,
                attachments)  # fmt: skip


if __name__ == "__main__":  # python tests/wordpress_site.py FOLDER: to look at the files
    import sys

    print(write_site(Path(sys.argv[1])).whole)
