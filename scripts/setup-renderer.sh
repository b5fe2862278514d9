#!/usr/bin/env bash
# What the card-rendering test needs (tests/teams/test_real_renderer.py): Debian's Chromium and
# Node.js, and Microsoft's adaptivecards renderer with playwright-core from npm, installed into
# tools/cardrender/node_modules from its package-lock.json. Quick when all is there. A step that
# cannot be done is said and skipped: the test then skips (no Chromium) or fails saying what is missing.
set -uo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing ${missing[*]} (Debian packages) for the card-rendering test…" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } \
      >/tmp/custseg-renderer-apt.log 2>&1 ||
      echo "Could not install ${missing[*]} (see /tmp/custseg-renderer-apt.log); the card-rendering test will say so." >&2
  else
    echo "Missing ${missing[*]}: install them (apt-get install ${missing[*]}) for the card-rendering test." >&2
  fi
fi

dir=tools/cardrender
if command -v npm >/dev/null 2>&1; then
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "Installing the Adaptive Cards renderer (npm ci in $dir)…" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 ||
      echo "npm ci in $dir failed; the card-rendering test will say so." >&2
  fi
fi
exit 0
