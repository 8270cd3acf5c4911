#!/usr/bin/env python3
"""A real SMTP server on loopback for the tests: accepts every message and writes it, with its envelope
recipients, to a folder, where tests read the one-time codes. Exits by itself after --idle seconds without mail
or a signal, so a test run never leaves it behind for long.

    python3 scripts/smtp_sink.py --port 2525 --dir /tmp/mail [--idle 900]
        [--tls starttls|implicit --cert cert.pem --key key.pem]

With `--tls starttls` the server offers STARTTLS and refuses any mail before it (530), as a submission server on
port 587 does; with `--tls implicit` it speaks TLS from the first byte, as on port 465. Either way each stored
message gets a second line, `X-Sink-TLS: <protocol>`, telling how it came.

Tests steer it with files in the folder: while `REFUSE` exists every message is refused with a temporary error
(451), as a mail server that is down for a while answers; `SLOW` holds a number of seconds to wait before
accepting each message.
"""
import argparse
import asyncio
import itertools
import os
import signal
import ssl
import time

from aiosmtpd.controller import Controller

counter = itertools.count()


class Sink:
    def __init__(self, folder, tls=False):
        self.folder = folder
        self.tls = tls
        self.last = time.monotonic()

    async def handle_DATA(self, server, session, envelope):
        self.last = time.monotonic()
        if os.path.exists(os.path.join(self.folder, "REFUSE")):
            return "451 4.3.0 Try again later"
        slow = os.path.join(self.folder, "SLOW")
        if os.path.exists(slow):
            with open(slow) as f:
                await asyncio.sleep(float(f.read().strip() or "1"))
        name = f"{time.time_ns()}-{next(counter)}.eml"
        tmp = os.path.join(self.folder, "." + name)
        with open(tmp, "wb") as f:
            f.write(("X-Envelope-To: " + ", ".join(envelope.rcpt_tos) + "\r\n").encode())
            if self.tls:
                secured = server.transport.get_extra_info("ssl_object")
                f.write(("X-Sink-TLS: " + (secured.version() if secured else "none") + "\r\n").encode())
            f.write(envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode())
        os.replace(tmp, os.path.join(self.folder, name))  # readers never see half a message
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--idle", type=int, default=900)
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    sink = Sink(args.dir, tls=bool(args.tls))
    options = {}
    if args.tls:
        if not (args.cert and args.key):
            parser.error("--tls needs --cert and --key")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.tls == "starttls":
            options = {"tls_context": context, "require_starttls": True}
        else:
            options = {"ssl_context": context}
    controller = Controller(sink, hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    mode = {"starttls": " (STARTTLS required)", "implicit": " (implicit TLS)"}.get(args.tls, "")
    print(f"smtp sink listening on 127.0.0.1:{args.port}{mode}, writing to {args.dir}", flush=True)
    stop = False

    def on_signal(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop and time.monotonic() - sink.last < args.idle:
        time.sleep(0.2)
    controller.stop()


if __name__ == "__main__":
    main()
