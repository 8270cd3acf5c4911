"""The central AFIS's side of the schema-driven run of the AFIS link (scripts/schemathesis.sh).

As a command (with the Python of .tools/venv, which has `cryptography`):
    afis_fuzz.py keygen DIR            writes DIR/afis.key (Ed25519 private key) and DIR/afis.pub (its public key)
    afis_fuzz.py seed DB IDS COUNT     adds COUNT applications waiting for identification to the SQLite database
                                       DB (a server has created its tables) and writes their ids to IDS
As schemathesis's hooks module (SCHEMATHESIS_HOOKS): signs a fresh token for every request that carries one, as
the real caller must (a `jti` is good for one request), and points half of the results posted at the seeded applications, so the
run reaches the state machine and not only the 404 of made-up ids. Settings from the environment:
AFIS_FUZZ_KEY, AFIS_FUZZ_ISSUER, AFIS_FUZZ_AUDIENCE, AFIS_FUZZ_IDS.
"""

import base64
import json
import os
import random
import secrets
import sqlite3
import sys
import time


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(key, issuer: str, audience: str) -> str:
    """A compact JWS (EdDSA) valid for two minutes from now, with a new jti."""
    now = int(time.time())
    header = {"alg": "EdDSA", "typ": "JWT"}
    claims = {"iss": issuer, "aud": audience, "iat": now, "exp": now + 120, "jti": secrets.token_hex(16)}
    signing_input = ".".join(b64(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims))
    return signing_input + "." + b64(key.sign(signing_input.encode()))


def keygen(folder: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with open(os.path.join(folder, "afis.key"), "wb") as f:
        os.fchmod(f.fileno(), 0o600)
        f.write(private)
    with open(os.path.join(folder, "afis.pub"), "wb") as f:
        f.write(public)


def seed(database: str, ids_file: str, count: int) -> None:
    now = int(time.time())
    ids = []
    with sqlite3.connect(database, timeout=10) as db:
        for i in range(count):
            app_id = secrets.token_hex(16)
            account = secrets.token_hex(16)
            # One application in progress per NIK (a unique index): each its own.
            nik = f"140301010190{i + 1:04d}"
            answers = json.dumps({"full_name": f"PEMOHON UJI {i}", "birth_date": "1990-01-01", "nik": nik})
            db.execute(
                "INSERT INTO accounts (id, identifier, created_at) VALUES (?, ?, ?)",
                (account, f"afis-fuzz-{app_id}@example.com", now),
            )
            db.execute(
                "INSERT INTO applications (id, account_id, kind, status, answers, reference, created_at, updated_at, "
                "submitted_at, point_id, nik) VALUES (?, ?, 'wni', 'identifying', ?, ?, ?, ?, ?, 'dinas', ?)",
                (app_id, account, answers, f"BKS-FUZZ-{i:05d}", now, now, now, nik),
            )
            db.execute(
                "INSERT INTO application_events (id, application_id, at, actor, from_status, to_status, step) "
                "VALUES (?, ?, ?, 'staff:fuzz', 'recorded', 'identifying', 'send_to_afis')",
                (secrets.token_hex(16), app_id, now),
            )
            ids.append(app_id)
    with open(ids_file, "w") as f:
        f.write("\n".join(ids) + "\n")


try:
    import schemathesis
except ImportError:  # run as a command
    schemathesis = None

if schemathesis is not None and os.environ.get("AFIS_FUZZ_KEY"):
    from cryptography.hazmat.primitives import serialization

    with open(os.environ["AFIS_FUZZ_KEY"], "rb") as f:
        _KEY = serialization.load_pem_private_key(f.read(), password=None)
    _ISSUER = os.environ["AFIS_FUZZ_ISSUER"]
    _AUDIENCE = os.environ["AFIS_FUZZ_AUDIENCE"]
    _IDS = []
    if os.environ.get("AFIS_FUZZ_IDS"):
        with open(os.environ["AFIS_FUZZ_IDS"]) as f:
            _IDS = [line.strip() for line in f if line.strip()]

    @schemathesis.hook
    def before_call(ctx, case, **kwargs):
        # Schemathesis puts a made-up bearer token on each case; it becomes a real one. A case without the header
        # (schemathesis checking that a missing token is refused) keeps it missing.
        if case.headers and any(name.lower() == "authorization" for name in case.headers):
            for name in [n for n in case.headers if n.lower() == "authorization"]:
                del case.headers[name]
            case.headers["Authorization"] = "Bearer " + mint(_KEY, _ISSUER, _AUDIENCE)
        if _IDS and case.path_parameters and "id" in case.path_parameters and random.random() < 0.5:
            case.path_parameters["id"] = random.choice(_IDS)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "keygen":
        keygen(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == "seed":
        seed(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
