#!/usr/bin/env bash
# Supply-chain checks with cargo-deny (config: deny.toml): licenses, bans and sources
# always; advisories whenever the RustSec advisory database can be had.
#
# The database is a git repository on GitHub. These machines reach only package
# registries, so `cargo deny fetch db` fails there: the advisories check is then
# skipped with a notice (and runs with a database fetched earlier, if one is present
# in ~/.cargo/advisory-dbs). ESTATEKIT_REQUIRE_ADVISORIES=1 makes a missing database
# an error (for a machine that reaches GitHub).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo deny --locked check licenses bans sources
if cargo deny fetch db >/dev/null 2>&1; then
  cargo deny --locked check --disable-fetch advisories
elif compgen -G "$HOME/.cargo/advisory-dbs/*/crates" >/dev/null; then
  echo "cargo deny: advisory database unreachable; using the copy in ~/.cargo/advisory-dbs" >&2
  cargo deny --locked check --disable-fetch advisories
elif [[ ${ESTATEKIT_REQUIRE_ADVISORIES:-0} == 1 ]]; then
  echo "cargo deny: the advisory database (github.com/RustSec/advisory-db) cannot be fetched" >&2
  exit 1
else
  echo "cargo deny: advisories SKIPPED: the advisory database (github.com/RustSec/advisory-db) cannot be fetched from this machine" >&2
fi
