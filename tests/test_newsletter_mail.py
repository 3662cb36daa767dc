"""An edition as a mail: its two parts, its headers, its weight, its images, valid HTML, each subscriber's links."""

import email
import email.policy
import re
import shutil

import pytest
from newsletter_data import active_subscribers, edition_of, morning_list
from test_html_validity import VNU_JAR, nu_errors

from alerts.models import Alert
from newsletters import links, sending
from newsletters.mail import MANAGE_MARK, UNSUBSCRIBE_MARK, EditionMail
from newsletters.models import NewsletterList, Subscriber
from outbox.models import Mail

pytestmark = pytest.mark.django_db

LONG_STANDFIRST = (
    "Le conseil municipal a voté mardi soir le budget primitif de l’année, après trois heures de débats "
    "sur la rénovation des écoles, le prix de l’eau et la nouvelle ligne de bus vers le plateau."
)


@pytest.fixture
def site(settings):
    settings.NEWSROOM_SITE_URL = settings.CANONICAL_SITE_URL = "https://www.republicain-sillon.fr"
    settings.NEWSLETTER_FROM_EMAIL = "lettres@republicain-sillon.fr"
    settings.NEWSLETTER_REPLY_TO = "redaction@republicain-sillon.fr"
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "desinscription@republicain-sillon.fr"
    settings.NEWSLETTER_POSTAL_ADDRESS = "3 rue des Clercs, 57000 Metz"
    settings.SITE_NAME = "Le Républicain du Sillon"


@pytest.fixture
def morning_edition(site, make_article, make_image, make_section):
    """A full morning edition: the editors' word, a lead with its picture, twenty articles in all."""
    sections = [make_section(name) for name in ("Metz", "Sports", "Culture", "Économie")]
    lead = make_article(
        "Le budget de Metz voté : ce qui change en 2027", main_image=make_image(), standfirst=LONG_STANDFIRST
    )
    others = [
        make_article(
            f"Article de la rubrique {sections[n % 4].name} numéro {n}",
            section=sections[n % 4],
            standfirst=LONG_STANDFIRST,
        )
        for n in range(19)
    ]
    return edition_of(
        morning_list(),
        [lead, *others],
        editorial="Bonjour,\n\nCe matin, le budget de la ville et les résultats du week-end.\n\nBonne lecture !",
    )


@pytest.fixture
def reader():
    return active_subscribers(morning_list(), 1)[0]


def raw(message) -> email.message.EmailMessage:
    """The message as an SMTP server receives it, parsed back."""
    return email.message_from_bytes(message.message(policy=email.policy.SMTP).as_bytes(), policy=email.policy.default)


def parts(parsed) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in parsed.walk() if not part.is_multipart()}


def test_a_subscriber_copy_has_both_parts_and_every_header(morning_edition, reader):
    message = EditionMail(morning_edition).message_for(reader)
    parsed = raw(message)

    assert parsed["To"] == reader.email
    assert parsed["Subject"] == morning_edition.subject
    assert parsed["From"] == "Le Républicain du Sillon <lettres@republicain-sillon.fr>"
    assert parsed["Reply-To"] == "redaction@republicain-sillon.fr"
    assert parsed["Date"]
    assert parsed["List-Id"] == "La lettre du matin <lettre-du-matin.www.republicain-sillon.fr>"
    unsubscribe = links.unsubscribe_url(reader, morning_edition)
    assert unsubscribe.startswith("https://www.republicain-sillon.fr/lettres/desinscription/")
    assert parsed["List-Unsubscribe"] == f"<{unsubscribe}>, <{links.unsubscribe_mailto(reader, morning_edition)}>"
    assert "desinscription@republicain-sillon.fr?subject=desinscription%20" in parsed["List-Unsubscribe"]
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Deterministic per edition and subscriber, on the site's domain, without the subscriber's secret key.
    assert re.fullmatch(r"<edition-\d+\.[0-9a-f]{24}@www\.republicain-sillon\.fr>", parsed["Message-ID"])
    assert parsed["Message-ID"] == raw(EditionMail(morning_edition).message_for(reader))["Message-ID"]
    assert reader.key not in parsed["Message-ID"]
    other = Subscriber(email="autre@exemple.fr", key="une-autre-cle-secrete")
    assert raw(EditionMail(morning_edition).message_for(other))["Message-ID"] != parsed["Message-ID"]

    body = parts(parsed)
    assert set(body) == {"text/plain", "text/html"}
    for text in body.values():
        assert "Le budget de Metz voté : ce qui change en 2027" in text
        assert "Ce matin, le budget de la ville" in text
        assert links.manage_url(reader) in text
        assert unsubscribe in text
        assert "3 rue des Clercs, 57000 Metz" in text
        assert MANAGE_MARK not in text and UNSUBSCRIBE_MARK not in text
    assert "Lundi" in body["text/plain"] or re.search(
        r"(Lundi|Mardi|Mercredi|Jeudi|Vendredi|Samedi|Dimanche) \d+ ", body["text/plain"]
    )


def test_the_copy_sent_over_smtp_is_the_same_message_made_without_the_email_package(morning_edition, reader):
    """``bytes_for`` (the SMTP path, fast) and ``message_for`` (Django's message, for other backends) agree."""
    edition_mail = EditionMail(morning_edition)
    fast = email.message_from_bytes(edition_mail.bytes_for(reader), policy=email.policy.default)
    reference = raw(edition_mail.message_for(reader))
    for header in (
        "To",
        "Subject",
        "From",
        "Reply-To",
        "Message-ID",
        "List-Id",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
    ):
        assert fast[header] == reference[header], header
    assert fast["Date"] and fast.get_content_type() == "multipart/alternative"
    assert parts(fast) == parts(reference)
    assert all(len(line) <= 998 for line in edition_mail.bytes_for(reader).split(b"\r\n"))
    assert b"\n" not in edition_mail.bytes_for(reader).replace(b"\r\n", b"")
    # An address outside ASCII goes through the email package, which knows how to write it.
    accented = Subscriber(email="hélène@exemple.fr", key="cle-de-helene")
    assert email.message_from_bytes(edition_mail.bytes_for(accented), policy=email.policy.default)["To"]


def test_the_html_is_made_for_mail_clients_light_and_without_tracking(morning_edition, reader):
    html = EditionMail(morning_edition).html_for(reader)

    assert len(raw(EditionMail(morning_edition).message_for(reader)).as_bytes()) < 100_000
    assert len(html.encode()) < 100_000
    assert '<meta name="color-scheme" content="light dark">' in html
    assert "prefers-color-scheme: dark" in html
    assert '<table role="presentation"' in html
    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1  # the lead's picture; nothing else is fetched when the mail opens
    for image in images:
        assert 'alt="Le pont des Roches à Metz, sous la neige"' in image
        width, height = (int(re.search(rf'{name}="(\d+)"', image)[1]) for name in ("width", "height"))
        # The column's width, the picture's proportions (900 × 600), give or take the renditions' rounding.
        assert width == 568 and abs(height - 568 * 600 / 900) <= 1
        assert re.search(r'src="https://www\.republicain-sillon\.fr/media/[^"]+\.jpe?g"', image)
    # Every link goes straight to the site: no redirector counting clicks.
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and all(href.startswith("https://www.republicain-sillon.fr/") for href in hrefs)
    article_links = [href for href in hrefs if "/lettres/" not in href and href != "https://www.republicain-sillon.fr/"]
    assert len(set(article_links)) == 20


@pytest.mark.skipif(not (shutil.which("java") and VNU_JAR.exists()), reason="Java or vnu-jar missing: ensure-packages")
def test_the_html_part_is_valid_for_the_nu_checker(morning_edition, reader, editor, tmp_path):
    folder = tmp_path / "mails"  # not tmp_path itself, which holds the test's media files
    folder.mkdir()
    (folder / "morning.html").write_text(EditionMail(morning_edition).html_for(reader))
    alert = Alert.objects.create(text="Crue de la Moselle : « routes fermées » & déviations", link="/alerte/")
    alert_edition = edition_of(NewsletterList.objects.get(slug="alerte-info"), subject="Alerte info", alert=alert)
    (folder / "alert.html").write_text(EditionMail(alert_edition).html_for(reader))
    assert nu_errors(folder) == {}


def test_an_alert_edition_carries_the_alert_and_its_link(site, reader):
    alert = Alert.objects.create(text="Crue de la Moselle : l’A31 fermée", link="/2026/12/07/crue-moselle/")
    edition = edition_of(NewsletterList.objects.get(slug="alerte-info"), subject="Alerte info : crue", alert=alert)
    body = parts(raw(EditionMail(edition).message_for(reader)))
    for text in body.values():
        assert "Crue de la Moselle : l’A31 fermée" in text
        assert "https://www.republicain-sillon.fr/2026/12/07/crue-moselle/" in text
    assert "Le mot de la rédaction" not in body["text/html"]


def test_names_and_titles_cannot_break_the_html_nor_forge_a_header(site, make_article, reader):
    article = make_article("Titre <script>alert(1)</script> & « guillemets »\nBcc: tous@exemple.fr")
    edition = edition_of(morning_list(), [article], subject="Objet\nBcc: tous@exemple.fr")
    parsed = raw(EditionMail(edition).message_for(reader))
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Objet Bcc: tous@exemple.fr"
    html = parts(parsed)["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_test_send_goes_through_the_outbox_to_the_editor_only(morning_edition, reader, mailoutbox):
    sending.send_test(morning_edition, "redac.chef@republicain-sillon.fr")
    (mail,) = Mail.objects.all()
    assert mail.recipients == ["redac.chef@republicain-sillon.fr"]
    assert mail.subject == f"[Test] {morning_edition.subject}"
    assert mail.headers["List-Id"] == "La lettre du matin <lettre-du-matin.www.republicain-sillon.fr>"
    assert "List-Unsubscribe" not in mail.headers and "Message-ID" not in mail.headers
    assert "Le budget de Metz voté" in mail.html_body
    (delivered,) = mailoutbox
    assert delivered.to == ["redac.chef@republicain-sillon.fr"]
    assert morning_edition.deliveries.count() == 0 and morning_edition.recipients_count == 0
