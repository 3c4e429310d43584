#!/usr/bin/env bash
# Lints the API description with Redocly CLI, the version pinned in
# package-lock.json, installed with `npm ci` into tests/openapi/node_modules
# (ignored by git) only when the lock file changed since the last install.
# With a second argument, also checks that the JSON the daemon serves
# (the build's openapi.json) is the very document the linter read.
#
#   tests/openapi/lint.sh docs/openapi.yaml [build/generated/openapi.json]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
yaml=${1:-$here/../../docs/openapi.yaml}
json=${2:-}
say() { printf 'openapi lint: %s\n' "$*" >&2; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "node and npm are needed (scripts/install-deps installs them)"
  exit 1
fi
# Redocly CLI 1.34 runs on Debian 12's own Node.js 18 as well as on newer ones
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 17) ? 0 : 1)'; then
  say "Redocly CLI needs Node.js >= 18.17; this is $(node --version)"
  exit 1
fi

# one installer at a time (two build trees may test at once); the stamp makes
# a cached run cost nothing
exec 9>"$here/node_modules.lock"
flock 9
stamp=$here/node_modules/.yinhui-package-lock.json
if ! cmp -s "$here/package-lock.json" "$stamp"; then
  say "installing the linter (npm ci)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  cp "$here/package-lock.json" "$stamp"
fi
flock -u 9

export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 FORCE_COLOR=0
redocly=$here/node_modules/.bin/redocly

"$redocly" lint "$yaml" --config "$here/redocly.yaml" --format=stylish

if [[ -n $json ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$redocly" bundle "$yaml" --config "$here/redocly.yaml" --ext json -o "$tmp/bundle.json" >/dev/null 2>&1
  # the build converts with PyYAML, Redocly reads with js-yaml: they must agree
  node -e '
    const assert = require("assert");
    const read = (f) => JSON.parse(require("fs").readFileSync(f, "utf8"));
    try {
      assert.deepStrictEqual(read(process.argv[2]), read(process.argv[1]));
    } catch (e) {
      console.error("openapi lint: the served openapi.json differs from what the linter read:\n" + e.message);
      process.exit(1);
    }' "$tmp/bundle.json" "$json"
  say "served JSON matches the linted description"
fi
say "ok"
