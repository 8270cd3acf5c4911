#!/usr/bin/env python3
"""A citizen for the page benches: signs in through the portal's forms (the code from the SMTP sink's folder), makes
a submitted application (every section saved, the family card uploaded, sent), a citizen draft and a foreigner draft,
and prints one JSON line: {"cookie": "session=…", "submitted": id, "wni": id, "wna": id}.

Usage: citizen.py PORT MAIL_DIR EMAIL"""
import json, os, sys, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from upload_bench import request, sign_in  # noqa: E402

# A 1×1 PNG: the family card's scan (end2end/tests/files.js).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da636460f85f0f00"
    "02870180eb47ba920000000049454e44ae426082")


def main():
    port, mail_dir, email = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    session = sign_in(port, mail_dir, email)
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": session}

    def start(kind):
        response, _ = request(port, "POST", "/api/permohonan/mulai", f"kind={kind}", dict(form, Accept="text/html"))
        location = response.getheader("Location") or ""
        if not location.startswith("/permohonan/"):
            sys.exit(f"citizen.py: could not start a {kind} application: {response.status} {location}")
        return location.split("/")[2]

    def ok(what, response, body):
        if response.status != 200:
            sys.exit(f"citizen.py: {what}: {response.status} {body[:300]!r}")

    # A woman born on 10 May 2000 in Kecamatan Bengkalis (the NIK's day is 10 + 40), as the browser tests apply.
    submitted = start("wni")
    sections = {
        "identitas": {"nik": "1403095005000001", "no_kk": "1403091201150003", "full_name": "Siti Bench"},
        "kelahiran": {"birth_place": "Bengkalis", "birth_date": "2000-05-10", "sex": "P"},
        "data-diri": {"blood_type": "O+", "religion": "Islam", "marital_status": "Belum Kawin", "occupation": "Pelajar"},
        "alamat": {"street": "Jl. Pertanian No. 5", "rt": "1", "rw": "2", "province": "14", "regency": "14.03",
                   "district": "14.03.01", "village_code": "14.03.01.1002"},
        "kontak": {"phone": "0812 3456 7890"},
    }
    json_form = dict(form, Accept="application/json")
    for section, fields in sections.items():
        body = urllib.parse.urlencode({"application": submitted, "section": section, **fields})
        ok(section, *request(port, "POST", "/api/permohonan/simpan", body, json_form))
    boundary = "benchboundary"
    upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"kk_scan\"; filename=\"kk.png\"\r\n"
              f"Content-Type: image/png\r\n\r\n").encode() + PNG + f"\r\n--{boundary}--\r\n".encode()
    ok("upload", *request(port, "POST", f"/unggah/{submitted}", upload,
                          {"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json",
                           "Cookie": session}))
    ok("submit", *request(port, "POST", "/api/permohonan/kirim", f"application={submitted}", json_form))
    print(json.dumps({"cookie": session, "submitted": submitted, "wni": start("wni"), "wna": start("wna")}))


if __name__ == "__main__":
    main()
