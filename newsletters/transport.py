"""Sending one message over the newsletters' mailer and recording it the moment it has left.

The sender (``newsletters.sending``) hands each message with ``record_sent``, a function that
writes the delivery's row as sent. When that is called decides what a killed worker can do:

- **SMTP** (Django's smtp backend, or any subclass): the message is written with its closing
  dot, then ``record_sent`` runs, and only then is the server's reply to the dot read. A worker
  killed before the dot leaves the row « taken », and the mail is sent again later: the server
  never got a whole message (a server receiving a cut connection in DATA drops what it had).
  Killed after ``record_sent``, the row is « sent »: nobody sends it again. What is left is the
  time between writing the dot and the database's commit of the row (a few hundred
  microseconds): a kill exactly then sends that one mail twice. If the server then refuses the
  message (its reply to the dot), the row is corrected.
- **Any other backend** (anymail's providers over HTTP, console, locmem): one message per call,
  recorded right after the call returns. The window is the whole call: a worker killed while a
  provider's API is answering may send that mail twice.
"""

import contextlib
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend


class Refused(Exception):
    """The server or provider refused this message for good (SMTP 5xx, a rejected recipient)."""


class Deferred(Exception):
    """This message could not be sent now (SMTP 4xx, no connection, a provider's error): try again later.

    ``connection_lost``: the connection itself is unusable, so the rest of the batch waits too."""

    def __init__(self, message: str, *, connection_lost: bool = False):
        super().__init__(message)
        self.connection_lost = connection_lost


@dataclass
class Outcome:
    provider_message_id: str = ""
    # The server's reply to the dot was lost after the mail was recorded sent: kept sent (it most
    # likely arrived, and sending it again could deliver it twice), with this note.
    note: str = ""


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _classify(error: BaseException) -> Exception:
    """Refused (5xx, permanent) or Deferred (4xx, the network) from an smtplib or socket error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return Refused(describe(error))
        return Deferred(describe(error))
    if isinstance(error, smtplib.SMTPSenderRefused):
        # Our own address refused (a relay not set up for it): no copy of the batch can go, and none
        # is the reader's fault. The batch waits for someone to fix it rather than refusing everyone.
        return Deferred(describe(error), connection_lost=True)
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | OSError):
        return Deferred(describe(error), connection_lost=True)
    if isinstance(error, smtplib.SMTPResponseException):
        if error.smtp_code == 421:  # the server closes the connection
            return Deferred(describe(error), connection_lost=True)
        if 500 <= error.smtp_code < 600:
            return Refused(describe(error))
        return Deferred(describe(error))
    return Deferred(describe(error), connection_lost=True)


def _reset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.rset()


class Transport:
    """One connection of the newsletters' mailer, for one batch: ``open()``, ``send()`` each, ``close()``."""

    def __init__(self, backend):
        self.backend = backend

    def open(self) -> None:
        try:
            self.backend.open()
        except (smtplib.SMTPException, OSError) as error:
            raise Deferred(describe(error), connection_lost=True) from error

    def close(self) -> None:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self.backend.close()

    def send(self, edition_mail, subscriber, record_sent: Callable[[str], None]) -> Outcome:
        """Send ``edition_mail``'s copy for ``subscriber``; ``record_sent(provider_message_id)`` the
        moment it has left. Raises Refused or Deferred."""
        raise NotImplementedError


class SMTPTransport(Transport):
    """Django's smtp backend's connection, with the DATA step split so that the row is recorded
    between the closing dot and the server's reply (the module's docstring says why)."""

    def send(self, edition_mail, subscriber, record_sent: Callable[[str], None]) -> Outcome:
        backend = self.backend
        smtp = backend.connection
        if smtp is None:
            raise Deferred("no connection", connection_lost=True)
        try:
            from_address = backend.prep_address(edition_mail.envelope_sender)
            recipient = backend.prep_address(subscriber.email)
        except ValueError as error:
            raise Refused(describe(error)) from error
        data = edition_mail.bytes_for(subscriber)
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(from_address)
            if code != 250:
                _reset(smtp)
                raise smtplib.SMTPSenderRefused(code, reply, from_address)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                _reset(smtp)
                raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                _reset(smtp)
                raise smtplib.SMTPDataError(code, reply)
            smtp.send(end_of_data(data))
        except (smtplib.SMTPException, OSError) as error:
            raise _classify(error) from error
        # The whole message and its dot are written: recorded now, before the reply is read.
        record_sent("")
        try:
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as error:
            backend.connection = None  # unusable; the next batch opens another
            return Outcome(note=f"réponse du serveur perdue après l’envoi ({describe(error)})")
        if code != 250:
            raise _classify(smtplib.SMTPDataError(code, reply))
        return Outcome()


class OneByOneTransport(Transport):
    """Any other backend: one message per call, recorded when the call returns."""

    def send(self, edition_mail, subscriber, record_sent: Callable[[str], None]) -> Outcome:
        message = edition_mail.message_for(subscriber)
        try:
            self.backend.send_messages([message])
        except AnymailRecipientsRefused as error:
            raise Refused(describe(error)) from error
        except (smtplib.SMTPException, OSError) as error:
            raise _classify(error) from error
        except Exception as error:  # a provider's API error (anymail's AnymailAPIError…): later
            raise Deferred(describe(error)) from error
        status = getattr(message, "anymail_status", None)
        if status is not None and status.status and status.status <= {"rejected", "invalid"}:
            raise Refused(f"refusé par le fournisseur : {', '.join(sorted(status.status))}")
        found = getattr(status, "message_id", None)
        provider_id = "" if found is None else str(found)[:200]  # an id may be 0 or a number
        record_sent(provider_id)
        return Outcome(provider_message_id=provider_id)


def end_of_data(data: bytes) -> bytes:
    """The message as DATA sends it: lines starting with a dot doubled (RFC 5321, 4.5.2), then CRLF.CRLF."""
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def transport_for(backend) -> Transport:
    return SMTPTransport(backend) if isinstance(backend, SMTPBackend) else OneByOneTransport(backend)
