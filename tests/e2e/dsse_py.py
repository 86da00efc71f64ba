#!/usr/bin/python3
"""DSSE and SLSA statements done independently of reprove, with Debian's python3-cryptography.

Used by the attest/verify interop tests and by testdata/forgeries/gen-forgeries.sh:
  dsse_py.py statement --subject NAME=SHA256HEX ... [--builder ID] [--uri URI] [--ref REF]
             [--commit SHA] [--type T] [--predicate-type T]          -> statement JSON
  dsse_py.py sign --key KEY.pem --payload FILE [--payload-type T] [--p1363] -> envelope line
  dsse_py.py verify --pub PUB.pem --envelope FILE [--line N]  -> exit 0 if a signature
             verifies over PAE; prints the payload
Run with /usr/bin/python3 (Debian's interpreter sees Debian's cryptography module).
"""
import argparse
import base64
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, padding
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                             encode_dss_signature)

INTOTO = "application/vnd.in-toto+json"


def ec_hash(curve):
    return {384: hashes.SHA384(), 521: hashes.SHA512()}.get(curve.key_size, hashes.SHA256())


def pae(ptype, body):
    t = ptype.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def statement(a):
    subj = []
    for s in a.subject:
        name, _, hexd = s.partition("=")
        subj.append({"name": name, "digest": {"sha256": hexd}})
    st = {
        "_type": a.type,
        "subject": subj,
        "predicateType": a.predicate_type,
        "predicate": {
            "buildDefinition": {
                "buildType": "https://reprove.dev/build-types/rebuild/v1",
                "externalParameters": {"source": {"uri": a.uri, "ref": a.ref}},
                "internalParameters": {},
                "resolvedDependencies": [
                    {"uri": a.uri + "@" + a.ref, "digest": {"gitCommit": a.commit}}],
            },
            "runDetails": {
                "builder": {"id": a.builder},
                "metadata": {"invocationId": "test", "startedOn": "2026-01-01T00:00:00Z",
                             "finishedOn": "2026-01-01T00:01:00Z"},
            },
        },
    }
    sys.stdout.write(json.dumps(st, separators=(",", ":")) + "\n")


def sign(a):
    key = serialization.load_pem_private_key(open(a.key, "rb").read(), password=None)
    body = open(a.payload, "rb").read()
    if body.endswith(b"\n") and not a.keep_newline:
        body = body[:-1]
    msg = pae(a.payload_type, body)
    if isinstance(key, ed25519.Ed25519PrivateKey):
        sig = key.sign(msg)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        sig = key.sign(msg, ec.ECDSA(ec_hash(key.curve)))
        if a.p1363:
            r, s = decode_dss_signature(sig)
            n = (key.curve.key_size + 7) // 8
            sig = r.to_bytes(n, "big") + s.to_bytes(n, "big")
    else:
        sig = key.sign(msg, padding.PKCS1v15(), hashes.SHA256())
    env = {"payload": base64.b64encode(body).decode(), "payloadType": a.payload_type,
           "signatures": [{"keyid": "", "sig": base64.b64encode(sig).decode()}]}
    sys.stdout.write(json.dumps(env, separators=(",", ":")) + "\n")


def b64d(s):
    s = s.replace("-", "+").replace("_", "/")
    return base64.b64decode(s + "=" * (-len(s) % 4))


def verify(a):
    pub = serialization.load_pem_public_key(open(a.pub, "rb").read())
    text = open(a.envelope).read()
    try:
        obj = json.loads(text)
    except ValueError:
        obj = json.loads(text.splitlines()[a.line - 1])
    if "dsseEnvelope" in obj:
        obj = obj["dsseEnvelope"]
    body = b64d(obj["payload"])
    msg = pae(obj["payloadType"], body)
    for s in obj["signatures"]:
        sig = b64d(s["sig"])
        try:
            if isinstance(pub, ed25519.Ed25519PublicKey):
                pub.verify(sig, msg)
            elif isinstance(pub, ec.EllipticCurvePublicKey):
                n = (pub.curve.key_size + 7) // 8
                if len(sig) == 2 * n and sig[0] != 0x30:
                    sig = encode_dss_signature(int.from_bytes(sig[:n], "big"),
                                               int.from_bytes(sig[n:], "big"))
                pub.verify(sig, msg, ec.ECDSA(ec_hash(pub.curve)))
            elif isinstance(pub, rsa.RSAPublicKey):
                pub.verify(sig, msg, padding.PKCS1v15(), hashes.SHA256())
            sys.stdout.write(body.decode() + "\n")
            return 0
        except InvalidSignature:
            continue
    sys.stderr.write("dsse_py: no signature verifies\n")
    return 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("statement")
    s.add_argument("--subject", action="append", required=True)
    s.add_argument("--builder", default="https://reprove.dev/builders/test/v1")
    s.add_argument("--uri", default="git+https://example.org/reprove/sample")
    s.add_argument("--ref", default="refs/tags/v1.0.0")
    s.add_argument("--commit", default="1111111111111111111111111111111111111111")
    s.add_argument("--type", default="https://in-toto.io/Statement/v1")
    s.add_argument("--predicate-type", default="https://slsa.dev/provenance/v1")
    g = sub.add_parser("sign")
    g.add_argument("--key", required=True)
    g.add_argument("--payload", required=True)
    g.add_argument("--payload-type", default=INTOTO)
    g.add_argument("--p1363", action="store_true")
    g.add_argument("--keep-newline", action="store_true")
    v = sub.add_parser("verify")
    v.add_argument("--pub", required=True)
    v.add_argument("--envelope", required=True)
    v.add_argument("--line", type=int, default=1)
    a = p.parse_args()
    if a.cmd == "statement":
        statement(a)
        return 0
    if a.cmd == "sign":
        sign(a)
        return 0
    return verify(a)


if __name__ == "__main__":
    sys.exit(main())
