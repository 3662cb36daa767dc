"""A real SMTP server for the tests (aiosmtpd), on a port of this machine, that can be stopped and started.

It keeps every message it accepts, so a test can count what reached it.
"""

import email
import email.header
import threading
from email.message import Message

from aiosmtpd.controller import Controller
from site_stack import free_port


class _Collector:
    def __init__(self, received: list[Message], lock: threading.Lock):
        self.received, self.lock = received, lock

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self.lock:
            self.received.append(message)
        return "250 Message accepted for delivery"


class SMTPServer:
    """``start()``, ``stop()`` as often as needed, always on the same port; ``received`` keeps everything."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[Message] = []
        self._lock = threading.Lock()
        self._controller = None

    def start(self) -> "SMTPServer":
        self._controller = Controller(_Collector(self.received, self._lock), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def subjects(self) -> list[str]:
        with self._lock:
            return [str(email.header.make_header(email.header.decode_header(m["Subject"]))) for m in self.received]

    def mailer_settings(self) -> dict:
        """What MAILERS holds for Django to send to this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 2},
            }
        }
