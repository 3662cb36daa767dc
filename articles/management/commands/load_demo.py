"""Fill the database with a small fictional newsroom, to try the site and the admin in a minute."""

import io
import os
from datetime import datetime, time, timedelta
from html import escape

from anyascii import anyascii
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageColor, ImageDraw

from articles import demo_content as demo
from articles.body import clean_body
from articles.models import Article, Personality, Section, Territory
from articles.models.dossiers import Dossier
from documents.checks import check_upload
from documents.models import Document
from images.models import Image
from images.processing import process_upload

# Running files over the demo's articles (by slug), as a newsroom opens them for the long stories.
DOSSIERS = [
    {
        "slug": "municipales-2026",
        "name": "Municipales 2026",
        "presentation": "Candidats, programmes et alliances : la campagne des élections municipales de mars 2026 "
        "à Metz, Nancy, Thionville et Épinal, ville par ville.",
        "articles": ["thionville-municipales-premiers-candidats", "metz-plan-mobilite-centre-ville"],
    },
    {
        "slug": "se-deplacer-dans-le-sillon-lorrain",
        "name": "Se déplacer dans le Sillon Lorrain",
        "presentation": "Trains, bus, vélos et centres-villes apaisés : comment on se déplace, et se déplacera, "
        "entre Thionville, Metz, Nancy et Épinal.",
        "articles": ["nancy-metz-plus-de-trains-heures-de-pointe", "metz-plan-mobilite-centre-ville"],
    },
]


def demo_body(blocks: list[str]) -> str:
    """Plain strings are paragraphs; blocks starting with « < » are already HTML (headings, lists, notes)."""
    html = "".join(block if block.startswith("<") else f"<p>{escape(block)}</p>" for block in blocks)
    return clean_body(html)


def draw_picture(colours: tuple[str, str, str]) -> SimpleUploadedFile:
    """A 1600×1000 abstract illustration: a gradient and a few shapes, as a JPEG upload."""
    dark, light, accent = (ImageColor.getrgb(colour) for colour in colours)
    width, height = 1600, 1000
    picture = PillowImage.new("RGB", (width, height), dark)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        mix = y / height
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(d * (1 - mix) + li * mix) for d, li in zip(dark, light, strict=True))
        )
    for index in range(7):
        left = 120 + index * 200
        draw.rounded_rectangle(
            [left, 380 - index * 20, left + 150, 620 + index * 25], radius=24, outline=accent, width=10
        )
        draw.ellipse([left + 45, 230 - index * 10, left + 105, 290 - index * 10], fill=accent)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=88)
    return SimpleUploadedFile("illustration.jpg", buffer.getvalue(), content_type="image/jpeg")


def draw_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of a few lines of text in Helvetica, offsets and all, without a library.

    The text is written in ASCII (« Fêtes » as « Fetes »): Helvetica's standard encoding has no accents
    without a font encoding dictionary, which a demo's programme does not need."""
    text = (
        "BT /F1 14 Tf 72 760 Td 20 TL "
        + " ".join(
            "({}) '".format(anyascii(line).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
            for line in lines
        )
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


def local_moment(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """An aware datetime at this local wall-clock time, `days_ago` days before today (negative: in the future)."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


class Command(BaseCommand):
    help = (
        "Crée une rédaction de démonstration : rubriques, territoires, personnalités, articles et, si DEBUG est "
        "actif, des comptes de démonstration. Sans effet sur ce qui existe déjà : on peut la relancer sans risque."
    )

    def handle(self, *args, **options):
        # Whatever already exists (same slug or username) is left untouched, so a
        # second run changes nothing and never undoes an editor's changes.
        with transaction.atomic():
            sections = self.load(Section, demo.SECTIONS)
            territories = self.load_territories()
            personalities = self.load(Personality, demo.PERSONALITIES)
            users = self.load_users()
            self.load_articles(sections, territories, personalities, users)
            self.load_dossiers()
            # Reader comments come from the comments app, which articles never imports (comments.demo).
            demo.demo_articles_loaded.send(sender=type(self), report=self.report)
            self.load_pictures()
            self.load_rich_article_media()
        self.print_logins(users)

    def report(self, label: str, created: int, total: int) -> None:
        self.stdout.write(f"{label} : {created} créé(s), {total - created} déjà présent(s)")

    def load(self, model, rows: list[dict]) -> dict:
        objects, created_count = {}, 0
        for row in rows:
            fields = dict(row)
            slug = fields.pop("slug")
            objects[slug], created = model.objects.get_or_create(slug=slug, defaults=fields)
            created_count += created
        self.report(str(model._meta.verbose_name_plural).capitalize(), created_count, len(rows))
        return objects

    def load_territories(self) -> dict[str, Territory]:
        territories, created_count = {}, 0
        for row in demo.TERRITORIES:
            territory, created = Territory.objects.get_or_create(
                slug=row["slug"],
                defaults={"name": row["name"], "kind": row["kind"], "parent": territories.get(row.get("parent"))},
            )
            if created:
                territory.groupings.add(*(territories[slug] for slug in row.get("groupings", ())))
                created_count += 1
            territories[row["slug"]] = territory
        self.report("Territoires", created_count, len(demo.TERRITORIES))
        return territories

    def load_users(self) -> dict:
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG est désactivé : les comptes de démonstration (et leur mot de passe connu de tous) "
                    "n’ont pas été créés, et les articles de démonstration n’ont pas d’auteur."
                )
            )
            return {}
        User = get_user_model()
        users, created_count = {}, 0
        for row in demo.USERS:
            user = User.objects.filter(username=row["username"]).first()
            if user is None:
                # An existing account keeps its password and groups: we never reset them.
                user = User.objects.create_user(
                    row["username"],
                    email=row["email"],
                    password=demo.DEMO_PASSWORD,
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    is_staff=True,
                )
                user.groups.add(Group.objects.get(name=row["group"]))
                created_count += 1
            users[row["username"]] = user
        self.report("Comptes de démonstration", created_count, len(demo.USERS))
        return users

    def load_articles(self, sections, territories, personalities, users) -> None:
        created = []
        existing = set(
            Article.objects.filter(slug__in=[row["slug"] for row in demo.ARTICLES]).values_list("slug", flat=True)
        )
        for row in demo.ARTICLES:
            if row["slug"] in existing:
                continue
            published_at = local_moment(*row["published"]) if row["published"] else None
            updated_after = row.get("updated_days_later")
            article = Article.objects.create(
                slug=row["slug"],
                title=row["title"],
                section=sections[row["section"]],
                standfirst=row["standfirst"],
                body=demo_body(row["body"]),
                status=row.get("status", Article.Status.PUBLISHED),
                published_at=published_at,
                updated_at=published_at + timedelta(days=updated_after) if updated_after else None,
                is_featured=row.get("featured", False),
            )
            article.tags.add(*row["tags"])
            article.territories.add(*(territories[slug] for slug in row["territories"]))
            article.personalities.add(*(personalities[slug] for slug in row.get("personalities", ())))
            article.authors.add(*(users[username] for username in row["authors"] if username in users))
            created.append((article, row))

        # Related articles may point to articles further down the list, so link them once all exist.
        by_slug = Article.objects.in_bulk([row["slug"] for row in demo.ARTICLES], field_name="slug")
        for article, row in created:
            article.related_articles.add(*(by_slug[slug] for slug in row.get("related", ())))
        self.report("Articles", len(created), len(demo.ARTICLES))

    def load_dossiers(self) -> None:
        by_slug = Article.objects.in_bulk([slug for row in DOSSIERS for slug in row["articles"]], field_name="slug")
        created_count = 0
        for row in DOSSIERS:
            fields = {"name": row["name"], "presentation": row["presentation"]}
            dossier, created = Dossier.objects.get_or_create(slug=row["slug"], defaults=fields)
            if created:
                dossier.articles.add(*(by_slug[slug] for slug in row["articles"] if slug in by_slug))
                created_count += 1
        self.report("Dossiers", created_count, len(DOSSIERS))

    def load_pictures(self) -> None:
        created = 0
        for row in demo.PICTURES:
            article = Article.objects.filter(slug=row["article"]).first()
            if article is None or Image.objects.filter(alt_text=row["alt"]).exists():
                continue
            image = Image(alt_text=row["alt"], caption=row["caption"], credit=row["credit"])
            image.attach(process_upload(draw_picture(row["colours"])))
            image.save()
            if not row["in_body"]:
                article.main_image = image
            else:
                figure = f'<figure><img src="" alt="" data-file="{image.pk}"><figcaption>{escape(row["caption"])}</figcaption></figure>'
                # After the second paragraph, where a reader expects the first picture.
                paragraphs = article.body.split("</p>")
                article.body = clean_body("</p>".join(paragraphs[:2]) + "</p>" + figure + "</p>".join(paragraphs[2:]))
            article.save()
            created += 1
        self.report("Images", created, len(demo.PICTURES))

    def load_rich_article_media(self) -> None:
        """The rich article's gallery and downloadable programme, in place of its placeholders."""
        article = Article.objects.filter(slug=demo.RICH_ARTICLE).first()
        if article is None or "{{diaporama}}" not in article.body:
            self.report("Diaporamas et documents", 0, 1)
            return
        images = []
        for row in demo.GALLERY:
            image = Image(alt_text=row["alt"], caption=row["caption"], credit="Illustration : la rédaction")
            image.attach(process_upload(draw_picture(row["colours"])))
            image.save()
            images.append(image)
        programme = Document(title=demo.PROGRAMME["title"])
        programme.attach(check_upload(SimpleUploadedFile("programme.pdf", draw_pdf(demo.PROGRAMME["lines"]))))
        programme.save()
        gallery = (
            f'<figure data-gallery="{" ".join(str(image.pk) for image in images)}">'
            f"<figcaption>{escape(demo.GALLERY_CAPTION)}</figcaption></figure>"
        )
        link = f'<a href="{programme.get_absolute_url()}">{escape(programme.title)}</a>'
        article.body = clean_body(article.body.replace("<p>{{diaporama}}</p>", gallery).replace("{{document}}", link))
        article.save()
        self.report("Diaporamas et documents", 1, 1)

    def print_logins(self, users: dict) -> None:
        self.stdout.write("")
        if users:
            self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
            for row in demo.USERS:
                self.stdout.write(f"  {row['username']:<20} {row['first_name']} {row['last_name']} ({row['group']})")
            self.stdout.write(
                f"  Mot de passe commun : {demo.DEMO_PASSWORD} (un compte qui existait déjà garde le sien)"
            )
        # The address `make run` serves: its HOST and PORT reach this command too (`make run PORT=8300`).
        site = f"http://{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
        self.stdout.write(f"Site : {site}/")
        self.stdout.write(f"Administration : {site}/admin/")
