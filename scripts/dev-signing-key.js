// The signing key `npm run dev` gives the auth service: made once per checkout
// (an EC P-256 key, ES256), kept in .dev/ (git-ignored), so tokens survive the
// restarts after a save. Never used outside this machine; the cluster's dev key
// is in the dev overlay, prod's in a Secret the operator creates
// (docs/authentication.md).
"use strict";
const { generateKeyPairSync } = require("node:crypto");
const { existsSync, mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const file = path.resolve(__dirname, "..", ".dev", "auth-signing-key.pem");

/** The key file's path, created (mode 0600) when missing. */
function ensureDevSigningKey() {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  }
  return file;
}

module.exports = { ensureDevSigningKey };
