"""relay_outbox: deliver outbound events to webhooks in a loop (or once with --once).

For installations without Celery beat: claim, deliver, back off when idle, stop cleanly
on SIGTERM or Ctrl-C.
"""

import signal
import time

from django.core.management.base import BaseCommand, CommandParser

from core import webhooks


class Command(BaseCommand):
    help = "Relay outbound events to webhooks, retrying failed deliveries with backoff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--idle-seconds", type=float, default=2.0, help="Longest sleep when there is nothing to do."
        )

    def handle(self, *args, once: bool, idle_seconds: float, **options) -> None:
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        sleep = 0.1
        while running:
            relayed = webhooks.relay_outbox()
            delivered = webhooks.deliver_due()
            if once:
                self.stdout.write("relayed {} event(s), delivered {}".format(relayed, delivered))
                return
            sleep = 0.1 if relayed or delivered else min(sleep * 2, idle_seconds)
            time.sleep(sleep)
