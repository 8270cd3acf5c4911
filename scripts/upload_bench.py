#!/usr/bin/env python3
"""Upload bench: N clients each send one scan of SIZE bytes at once to a running portal; prints the throughput
and the server's peak resident memory above idle (read from /proc, sampled every 10 ms).

Signs in like a browser without JavaScript, reading the one-time code from the SMTP sink's folder."""
import argparse, glob, http.client, json, os, re, sys, threading, time, urllib.parse

# `MAX_OPEN_DRAFTS` in app/src/domain/application.rs.
DRAFTS_PER_ACCOUNT = 3


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(port, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    # As a browser on the portal's own page: the portal refuses a POST from anywhere else.
    headers = dict(headers or {}, Origin=f"http://127.0.0.1:{port}")
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def cookie(response, name):
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";")[0]
    raise SystemExit(f"no {name} cookie")


def sign_in(port, mail_dir, email):
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
    response, _ = request(port, "POST", "/api/masuk", urllib.parse.urlencode({"identifier": email}), form)
    attempt = cookie(response, "signin")
    for _ in range(100):
        for path in sorted(glob.glob(os.path.join(mail_dir, "*.eml")), reverse=True):
            text = open(path, encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
            if text.splitlines()[0].strip() == f"X-Envelope-To: {email}":
                code = re.search(r"\b(\d{6})\b", text.split("\n\n", 1)[1]).group(1)
                response, _ = request(port, "POST", "/api/masuk/kode", urllib.parse.urlencode({"code": code}),
                                      dict(form, Cookie=attempt))
                return cookie(response, "session")
        time.sleep(0.1)
    raise SystemExit("no code arrived")


def pdf(size):
    head = b"%PDF-1.4\n"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out, offsets = bytearray(head), []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i + 1, body)
    # A comment as ballast, as a scanned page's image stream would be.
    out += b"%" + b"x" * (size - len(out) - 400) + b"\n"
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--mail-dir", required=True)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--size", type=int, default=10 * 1024 * 1024 - 4096)
    a = p.parse_args()

    # An account keeps at most DRAFTS_PER_ACCOUNT drafts: as many accounts as the clients need, each its drafts.
    ids = []
    while len(ids) < a.clients:
        session = sign_in(a.port, a.mail_dir, f"bench.{int(time.time())}.{len(ids)}@contoh.id")
        form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Cookie": session}
        for _ in range(min(DRAFTS_PER_ACCOUNT, a.clients - len(ids))):
            response, _ = request(a.port, "POST", "/api/permohonan/mulai", "kind=wni", form)
            location = response.getheader("Location") or ""
            if not location.startswith("/permohonan/"):
                sys.exit(f"could not start a draft: {response.status} {location}")
            ids.append((location.split("/")[2], session))
    scan = pdf(a.size)
    boundary = "benchboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kk_scan\"; filename=\"kk.pdf\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + scan + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"}

    time.sleep(1)
    idle = rss_kib(a.pid)
    peak, done = [idle], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kib(a.pid))
            time.sleep(0.01)

    statuses = []

    def upload(app_id, session):
        response, _ = request(a.port, "POST", f"/unggah/{app_id}", body, {**headers, "Cookie": session})
        statuses.append(response.status)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.time()
    clients = [threading.Thread(target=upload, args=i) for i in ids]
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    seconds = time.time() - started
    done.set()
    sampler.join()
    ok = sum(1 for s in statuses if s == 200)
    if ok != a.clients:
        print("statuses:", sorted(statuses))
    mib = a.clients * a.size / 1024 / 1024
    print(f"| {a.clients} clients × {a.size / 1024 / 1024:.1f} MiB PDF at once | {ok}/{a.clients} stored | "
          f"{seconds:.2f} s | {mib / seconds:.1f} MiB/s | idle {idle / 1024:.1f} MiB | "
          f"peak {peak[0] / 1024:.1f} MiB | +{(peak[0] - idle) / 1024:.1f} MiB |")


if __name__ == "__main__":
    main()
