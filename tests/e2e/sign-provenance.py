#!/usr/bin/python3
# Writes an in-toto Statement v1 with a SLSA Provenance v1 predicate, signed as a DSSE
# envelope, one JSON line (.intoto.jsonl): provenance made outside reprove for the fetch and
# verify tests. Uses Debian's python3-cryptography; run it with /usr/bin/python3.
#
#   sign-provenance.py -k KEY.pem -s NAME=SHA256HEX... --builder-id ID --source-uri URI
#                      --ref REF --commit SHA [--garble] [--payload-type T] -o OUT
# KEY.pem: PKCS#8 PEM, Ed25519 or ECDSA P-256 (ECDSA signatures are DER, over SHA-256).
# --garble flips one bit of the signature after signing (a corrupted envelope).
import argparse
import base64
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519


def pae(payload_type, payload):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", "--key", required=True)
    ap.add_argument("-s", "--subject", action="append", required=True)
    ap.add_argument("--builder-id", required=True)
    ap.add_argument("--source-uri", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--commit", default="0123456789abcdef0123456789abcdef01234567")
    ap.add_argument("--payload-type", default="application/vnd.in-toto+json")
    ap.add_argument("--garble", action="store_true")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()

    subjects = []
    for s in a.subject:
        name, _, digest = s.rpartition("=")
        subjects.append({"name": name, "digest": {"sha256": digest}})
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://reprove.dev/build-types/rebuild/v1",
                "externalParameters": {
                    "source": {"uri": a.source_uri, "ref": a.ref},
                },
                "internalParameters": {},
                "resolvedDependencies": [
                    {"uri": "%s@%s" % (a.source_uri, a.ref), "digest": {"gitCommit": a.commit}},
                ],
            },
            "runDetails": {
                "builder": {"id": a.builder_id},
                "metadata": {"invocationId": "test-%s" % a.commit[:8]},
            },
        },
    }
    payload = json.dumps(statement, separators=(",", ":"), sort_keys=True).encode()

    with open(a.key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    msg = pae(a.payload_type, payload)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        sig = key.sign(msg)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        sig = key.sign(msg, ec.ECDSA(hashes.SHA256()))
    else:
        sys.exit("sign-provenance.py: unsupported key type")
    if a.garble:
        sig = bytes([sig[0] ^ 0x01]) + sig[1:]
    env = {
        "payloadType": a.payload_type,
        "payload": base64.b64encode(payload).decode(),
        "signatures": [{"keyid": "", "sig": base64.b64encode(sig).decode()}],
    }
    with open(a.output, "w") as f:
        f.write(json.dumps(env, separators=(",", ":")) + "\n")


main()
