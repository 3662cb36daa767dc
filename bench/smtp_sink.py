"""An SMTP sink for the newsletter benchmark: ``python bench/smtp_sink.py PORT REPORT``.

aiosmtpd, as the tests use it, in a process of its own (the other core), keeping only counts: the
messages, their bytes, and how many times each envelope recipient was seen. Every half second it
writes ``{"messages": …}`` to REPORT; on SIGTERM, the final figures with the duplicates.
"""

import json
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller


class Counting:
    def __init__(self):
        self.recipients = Counter()
        self.messages = 0
        self.bytes = 0
        self.first = self.last = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.lock:
            self.messages += 1
            self.bytes += len(envelope.original_content or envelope.content)
            self.recipients.update(envelope.rcpt_tos)
            self.first = self.first or now
            self.last = now
        return "250 OK"

    def figures(self, final: bool = False) -> dict:
        with self.lock:
            figures = {"messages": self.messages, "bytes": self.bytes, "first": self.first, "last": self.last}
            if final:
                figures["distinct"] = len(self.recipients)
                figures["duplicates"] = sum(count - 1 for count in self.recipients.values() if count > 1)
        return figures


def main(port: int, report: Path) -> None:
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port, data_size_limit=0)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    while not done.wait(0.5):
        write(report, handler.figures())
    controller.stop()
    write(report, handler.figures(final=True))


def write(report: Path, figures: dict) -> None:
    """Written whole or not at all: the benchmark reads it meanwhile."""
    partial = report.with_suffix(".partial")
    partial.write_text(json.dumps(figures))
    partial.replace(report)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
