#!/bin/sh
# Regenerates the TEST ONLY keys in this directory with peer tools (minisign, openssl), so
# the tests check reprove against keys it did not make. Never use these keys for anything
# else: their secret halves are public. Run from anywhere: sh testdata/keys/gen-keys.sh
#
#   minisign-plain.{key,pub}   minisign -G -W (unencrypted secret key)
#   minisign-enc.{key,pub}     minisign -G, scrypt-encrypted, passphrase in PASSPHRASE
#   minisign-other.{key,pub}   a second unencrypted key (the "wrong key")
#   ed25519.{key,pub}.pem      openssl genpkey ed25519 (PKCS#8 / SPKI)
#   p256.{key,pub}.pem         ECDSA P-256;  p256-enc.key.pem: encrypted PKCS#8 (PASSPHRASE)
#   p384.pub.pem p521.pub.pem rsa.pub.pem (+ .key.pem): verify-only key types
set -eu
cd "$(dirname "$0")"
PASSPHRASE="reprove test passphrase"
printf '%s\n' "$PASSPHRASE" > PASSPHRASE
rm -f minisign-*.key minisign-*.pub ./*.pem
minisign -G -W -f -p minisign-plain.pub -s minisign-plain.key >/dev/null
minisign -G -W -f -p minisign-other.pub -s minisign-other.key >/dev/null
printf '%s\n%s\n' "$PASSPHRASE" "$PASSPHRASE" | minisign -G -f -p minisign-enc.pub -s minisign-enc.key >/dev/null 2>&1
openssl genpkey -algorithm ed25519 -out ed25519.key.pem
openssl pkey -in ed25519.key.pem -pubout -out ed25519.pub.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out p256.key.pem
openssl pkey -in p256.key.pem -pubout -out p256.pub.pem
openssl pkcs8 -topk8 -in p256.key.pem -out p256-enc.key.pem -v2 aes-256-cbc -passout "pass:$PASSPHRASE"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out p384.key.pem
openssl pkey -in p384.key.pem -pubout -out p384.pub.pem
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521.key.pem
openssl pkey -in p521.key.pem -pubout -out p521.pub.pem
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key.pem
openssl pkey -in rsa.key.pem -pubout -out rsa.pub.pem
chmod 600 ./*.key ./*.key.pem
echo "TEST ONLY keys regenerated in $(pwd)"
