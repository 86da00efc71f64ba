// Verifies a keyed Sigstore bundle with sigstore-js (@sigstore/verify, installed by
// tests/deps/attest.sh into tests/node_modules), as a Sigstore client would:
//   node sigstore_verify.js BUNDLE.json PUBKEY.pem SHA256HEX
// Thresholds are 0 (no transparency log or timestamps with a plain key). @sigstore/verify
// leaves the subject to its caller, so this script checks that a subject of the verified
// statement has the given sha256. Exit 0 verified, 1 not.
'use strict';
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { crypto } = require('@sigstore/core');

function main() {
  const [bundlePath, pemPath, digest] = process.argv.slice(2);
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const key = crypto.createPublicKey(fs.readFileSync(pemPath, 'utf8'));
  const spki = key.export({ type: 'spki', format: 'der' });
  const hint = require('crypto').createHash('sha256').update(spki).digest('base64');
  const trust = toTrustMaterial(
    { mediaType: '', certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] },
    (h) => {
      if (h !== hint) throw new Error(`unknown key hint ${h}, want ${hint}`);
      return { publicKey: key, validFor: () => true };
    });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));
  const env = bundle.content.dsseEnvelope;
  const st = JSON.parse(Buffer.from(env.payload).toString('utf8'));
  if (!st.subject.some((s) => s.digest && s.digest.sha256 === digest))
    throw new Error(`no subject with sha256 ${digest}`);
  console.log(`verified: ${env.payloadType} ${st.predicateType}`);
}

try {
  main();
} catch (e) {
  console.error(`sigstore_verify: ${e.message}`);
  process.exit(1);
}
