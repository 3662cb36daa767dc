"""An edition as a mail: rendered once, then one message per subscriber with its own links.

``EditionMail(edition)`` renders the HTML and the plain text of the edition once, with markers
where each subscriber's links go (the page to manage their lists, the one-click unsubscribe
address). ``message_for(subscriber)`` replaces the markers (a string replacement, not a template
render) and adds the headers of that subscriber's copy; ``html_for(subscriber)`` is the HTML alone,
for the admin's preview in the browser.

``bytes_for(subscriber)`` is the same copy as the SMTP server receives it, made without Python's
email package: the headers every copy shares are folded once, the bodies quoted-printable encoded by
``binascii`` (C). For 100,000 copies that is the difference between the mail package's few
milliseconds a message and a few tens of microseconds (docs/newsletters.md, « Speed »).

The HTML is made for mail clients: tables for the layout, the styles inline, a ``<style>`` only for
dark mode (clients that ignore it keep the light colours), images with their alt text and sizes,
well under 100 KB, and a plain-text part. No tracking pixel, no rewritten links: what a reader
opens or clicks is not recorded (docs/newsletters.md).
"""

import binascii
import email.policy
import hashlib
import secrets
from dataclasses import dataclass
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from common.text import single_line
from outbox.mail import link

from . import links
from .models import Edition, EditionItem

# Where a subscriber's own addresses go in the rendered edition; replaced for each copy.
MANAGE_MARK = "newsletter-manage-url-9f4c2e"
UNSUBSCRIBE_MARK = "newsletter-unsubscribe-url-9f4c2e"
# The width of the mail's column, in CSS pixels: what every client shows without scrolling.
COLUMN_WIDTH = 600
IMAGE_WIDTH = COLUMN_WIDTH - 2 * 16  # inside the column's padding


@dataclass(frozen=True)
class MailImage:
    url: str
    alt: str
    width: int
    height: int


@dataclass(frozen=True)
class MailItem:
    title: str
    url: str
    standfirst: str
    section: str
    image: MailImage | None


def site_domain() -> str:
    """The host of the site's configured address, for Message-ID and List-Id."""
    return urlsplit(link("/")).hostname or "localhost"


def absolute(address: str) -> str:
    """A site path made absolute with the configured address; a full address as it is."""
    return link(address) if address.startswith("/") else address


def mail_image(image) -> MailImage | None:
    """The lead's picture for a mail: a JPEG or PNG rendition (WebP is not read by every client),
    the narrowest at least twice the column's width for sharp screens, shown at the column's width."""
    if image is None:
        return None
    renditions = image.renditions_in(image.fallback_format)
    if renditions:
        wide_enough = [r for r in renditions if r["width"] >= 2 * IMAGE_WIDTH]
        chosen = wide_enough[0] if wide_enough else renditions[-1]
        url, width, height = image.file.storage.url(chosen["name"]), chosen["width"], chosen["height"]
    elif image.file and image.width and image.height:
        url, width, height = image.file.url, image.width, image.height
    else:
        return None
    shown_width = min(IMAGE_WIDTH, width)
    return MailImage(absolute(url), image.alt_text, shown_width, max(1, round(height * shown_width / width)))


def edition_items(edition: Edition) -> list[MailItem]:
    items = EditionItem.objects.filter(edition=edition).select_related("article__section", "article__main_image")
    result = []
    for position, item in enumerate(items):
        article = item.article
        result.append(
            MailItem(
                title=single_line(article.title),
                url=link(article.get_absolute_url()),
                standfirst=article.standfirst.strip(),
                section=article.section.name,
                # The lead's picture only: the mail stays light and quick to open on a phone.
                image=mail_image(article.main_image) if position == 0 else None,
            )
        )
    return result


def sender() -> str:
    """NEWSLETTER_FROM_EMAIL with the site's name, unless it names a sender itself."""
    name, address = parseaddr(settings.NEWSLETTER_FROM_EMAIL)
    return settings.NEWSLETTER_FROM_EMAIL if name else formataddr((settings.SITE_NAME, address))


class NewsletterMessage(EmailMultiAlternatives):
    """A subscriber's copy. Headers are folded at 998 characters, RFC 5322's limit, rather than 78:
    with the shorter limit, Python's email package writes a List-Unsubscribe longer than a line
    as encoded words (« =?utf-8?q?=3Chttps…?= »), which mail clients do not read as addresses.
    The bodies stay quoted-printable or base64 (``cte_type="7bit"``), readable by any server."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998, cte_type="7bit"))


class EditionMail:
    """One edition, rendered once; a message for each subscriber.

    - ``message_for(subscriber)``: the ``EmailMultiAlternatives`` to send to that subscriber;
    - ``html_for(subscriber)`` / ``text_for(subscriber)``: the two parts, as that subscriber gets them
      (the admin's preview passes an unsaved ``Subscriber(email=…, key="apercu")``).
    """

    def __init__(self, edition: Edition):
        self.edition = edition
        self.newsletter = edition.newsletter
        self.domain = site_domain()
        self.from_email = sender()
        self.subject = single_line(edition.subject)
        self.list_id = f"{single_line(self.newsletter.name)} <{self.newsletter.slug}.{self.domain}>"
        context = self._context()
        # Rendered in French whatever language the worker's process is in.
        with translation.override(settings.LANGUAGE_CODE):
            self.html = render_to_string("newsletters/mail/edition.html", context)
            self.text = render_to_string("newsletters/mail/edition.txt", context)

    def _context(self) -> dict:
        edition = self.edition
        day = timezone.localtime(edition.scheduled_for or edition.sending_started_at or timezone.now())
        with translation.override(settings.LANGUAGE_CODE):
            date_text = date_format(day, "l j F Y")
        alert = edition.alert
        return {
            "edition": edition,
            "newsletter": self.newsletter,
            "subject": self.subject,
            "date_text": date_text[:1].upper() + date_text[1:],
            "editorial": edition.editorial.strip(),
            "items": edition_items(edition),
            "alert": {"text": alert.text, "url": absolute(alert.link)} if alert else None,
            "site_name": settings.SITE_NAME,
            "site_url": link("/"),
            "postal_address": settings.NEWSLETTER_POSTAL_ADDRESS,
            "manage_url": MANAGE_MARK,
            "unsubscribe_url": UNSUBSCRIBE_MARK,
            "column_width": COLUMN_WIDTH,
        }

    def _addresses(self, subscriber) -> tuple[str, str]:
        return links.manage_url(subscriber), links.unsubscribe_url(subscriber, self.edition)

    def html_for(self, subscriber) -> str:
        manage, unsubscribe = self._addresses(subscriber)
        return self.html.replace(MANAGE_MARK, escape(manage)).replace(UNSUBSCRIBE_MARK, escape(unsubscribe))

    def text_for(self, subscriber) -> str:
        manage, unsubscribe = self._addresses(subscriber)
        return self.text.replace(MANAGE_MARK, manage).replace(UNSUBSCRIBE_MARK, unsubscribe)

    def message_id(self, subscriber) -> str:
        """The same for every attempt at one subscriber's copy, so a receiving server can tell a copy
        sent twice; made from a digest of the key, which the header must not show."""
        digest = hashlib.sha256(f"{self.edition.pk}:{subscriber.key}".encode()).hexdigest()[:24]
        return f"<edition-{self.edition.pk}.{digest}@{self.domain}>"

    def unsubscribe_header(self, subscriber, unsubscribe: str) -> str:
        return f"<{unsubscribe}>, <{links.unsubscribe_mailto(subscriber, self.edition)}>"

    @property
    def envelope_sender(self) -> str:
        return parseaddr(self.from_email)[1]

    def _shared_head(self) -> bytes:
        """The headers every copy has, folded once by the email package (encoded words for the
        accents of the subject and the sender's name), with one boundary for this run."""
        if not hasattr(self, "_head"):
            policy = email.policy.SMTP
            shared = [
                ("MIME-Version", "1.0"),
                ("Subject", self.subject),
                ("From", self.from_email),
                ("Reply-To", settings.NEWSLETTER_REPLY_TO),
                ("Date", formatdate(localtime=False, usegmt=True)),
                ("List-Id", self.list_id),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
            self._boundary = f"=_lettre_{secrets.token_hex(12)}"
            shared.append(("Content-Type", f'multipart/alternative; boundary="{self._boundary}"'))
            self._head = b"".join(policy.fold_binary(*policy.header_store_parse(name, value)) for name, value in shared)
        return self._head

    def bytes_for(self, subscriber) -> bytes:
        """The whole message for ``subscriber``, CRLF line ends, as DATA carries it (before dot-stuffing).

        An address with characters outside ASCII is rare and needs the email package's encoding:
        that copy is made by ``message_for``."""
        if not subscriber.email.isascii() or "\n" in subscriber.email or "\r" in subscriber.email:
            return self.message_for(subscriber).message(policy=email.policy.SMTP).as_bytes()
        manage, unsubscribe = self._addresses(subscriber)
        head = self._shared_head()
        own = (
            f"To: {subscriber.email}\r\n"
            f"Message-ID: {self.message_id(subscriber)}\r\n"
            f"List-Unsubscribe: {self.unsubscribe_header(subscriber, unsubscribe)}\r\n"
        ).encode("ascii")
        text = self.text.replace(MANAGE_MARK, manage).replace(UNSUBSCRIBE_MARK, unsubscribe)
        html = self.html.replace(MANAGE_MARK, escape(manage)).replace(UNSUBSCRIBE_MARK, escape(unsubscribe))
        boundary = self._boundary.encode("ascii")
        parts = []
        for subtype, body in (("plain", text), ("html", html)):
            parts += [
                b"--" + boundary + b"\r\n",
                f'Content-Type: text/{subtype}; charset="utf-8"\r\n'.encode("ascii"),
                b"Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                quoted_printable(body),
                b"\r\n",
            ]
        return b"".join([head, own, b"\r\n", *parts, b"--" + boundary + b"--\r\n"])

    def message_for(self, subscriber) -> EmailMultiAlternatives:
        manage, unsubscribe = self._addresses(subscriber)
        headers = {
            "Message-ID": self.message_id(subscriber),
            "List-Id": self.list_id,
            # RFC 2369 and RFC 8058: the https address takes a POST and unsubscribes at once.
            "List-Unsubscribe": self.unsubscribe_header(subscriber, unsubscribe),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        message = NewsletterMessage(
            self.subject,
            self.text.replace(MANAGE_MARK, manage).replace(UNSUBSCRIBE_MARK, unsubscribe),
            self.from_email,
            [subscriber.email],
            reply_to=[settings.NEWSLETTER_REPLY_TO],
            headers=headers,
        )
        message.attach_alternative(
            self.html.replace(MANAGE_MARK, escape(manage)).replace(UNSUBSCRIBE_MARK, escape(unsubscribe)),
            "text/html",
        )
        return message


def quoted_printable(text: str) -> bytes:
    """``text`` in UTF-8, quoted-printable (RFC 2045), CRLF line ends, lines of at most 76 characters."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return binascii.b2a_qp(lines.encode("utf-8"), istext=True)
