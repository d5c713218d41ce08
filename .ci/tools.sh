#!/usr/bin/env bash
# EstateKit test tools: Python venv (maturin, pytest, mypy, tree-sitter, tree-sitter-swift),
# JNA (Debian libjna-java), the Kotlin compiler (npm package kotlin-compiler), and
# cargo-deny and cargo-fuzz (crates.io, `cargo install --locked`, built once: ~5 min).
#
#   source .ci/tools.sh     # idempotent; installs what is missing, then exports:
#     ESTATEKIT_TOOLS  install dir (default <repo>/target/tools)
#     VENV_PY          $ESTATEKIT_TOOLS/venv/bin/python (VIRTUAL_ENV set, venv bin prepended to PATH)
#     JNA_JAR          real path of /usr/share/java/jna.jar
#     KOTLINC          kotlinc launcher;  KOTLIN_LIB  dir with kotlin-stdlib.jar, kotlin-test.jar, ...
#     PATH             also gets $ESTATEKIT_TOOLS/bin (cargo-deny, cargo-fuzz)
#   bash .ci/tools.sh       # install only
#
# The install runs in a child bash with `set -euo pipefail`, so sourcing never changes the
# caller's shell options; a failed install makes `source` return 1.
# Overridable: ESTATEKIT_TOOLS, ESTATEKIT_KOTLIN_VERSION, ESTATEKIT_PY_PKGS,
# ESTATEKIT_CARGO_TOOLS.

: "${ESTATEKIT_TOOLS:=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel 2>/dev/null \
  || (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd))/target/tools}"
: "${ESTATEKIT_KOTLIN_VERSION:=2.4.20}"
: "${ESTATEKIT_PY_PKGS:=maturin==1.16.0 pytest==9.2.0 mypy==2.4.1 tree-sitter==0.26.1 tree-sitter-swift==0.7.4 pandas==3.1.1 openpyxl==3.1.5 matplotlib==3.11.2 pyarrow==26.0.1 polars==2.1.0 dask==2026.8.0 distributed==2026.8.0}"
: "${ESTATEKIT_CARGO_TOOLS:=cargo-deny@0.20.2 cargo-fuzz@0.13.2}"
export ESTATEKIT_TOOLS ESTATEKIT_KOTLIN_VERSION ESTATEKIT_PY_PKGS ESTATEKIT_CARGO_TOOLS

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then   # executed: do the installs, strictly
  set -euo pipefail
  T=$ESTATEKIT_TOOLS
  mkdir -p "$T"
  log() { echo "[tools] $*" >&2; }
  apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "$@" >/dev/null 2>&1 \
      || { log "apt-get update, then retry"; apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; }
  }

  if [[ ! -x $T/venv/bin/python || "$(cat "$T/venv/.stamp" 2>/dev/null)" != "$ESTATEKIT_PY_PKGS" ]]; then
    s=$SECONDS; log "python venv: pip install $ESTATEKIT_PY_PKGS"
    if ! python3 -m venv --clear "$T/venv"; then   # plain Debian python3 needs python3-venv
      apt_install python3-venv && python3 -m venv --clear "$T/venv"
    fi
    # shellcheck disable=SC2086
    "$T/venv/bin/python" -m pip install -q $ESTATEKIT_PY_PKGS
    echo "$ESTATEKIT_PY_PKGS" >"$T/venv/.stamp"
    log "python venv: done in $((SECONDS - s))s"
  fi

  if [[ ! -f /usr/share/java/jna.jar ]]; then
    s=$SECONDS; log "jna: apt-get install libjna-java"
    apt_install libjna-java
    log "jna: done in $((SECONDS - s))s"
  fi

  K=$T/kotlin-$ESTATEKIT_KOTLIN_VERSION
  if [[ ! -x $K/bin/kotlinc ]]; then
    s=$SECONDS; log "kotlin: npm pack kotlin-compiler@$ESTATEKIT_KOTLIN_VERSION"
    rm -rf "$K.tmp" && mkdir -p "$K.tmp"
    (cd "$K.tmp" && npm pack --loglevel=error "kotlin-compiler@$ESTATEKIT_KOTLIN_VERSION" >/dev/null \
      && tar xzf kotlin-compiler-*.tgz && rm kotlin-compiler-*.tgz)
    # tarball layout: package/{bin/kotlinc, lib/kotlin-stdlib.jar, lib/kotlin-test.jar, ...}
    rm -rf "$K" && mv "$K.tmp/package" "$K" && rm -rf "$K.tmp"
    log "kotlin: done in $((SECONDS - s))s"
  fi

  for spec in $ESTATEKIT_CARGO_TOOLS; do   # name@version, from crates.io
    name=${spec%@*} version=${spec#*@}
    if [[ "$("$T/bin/$name" --version 2>/dev/null)" != *" $version"* ]]; then
      s=$SECONDS; log "$name: cargo install --locked $spec"
      # Own build dir, removed afterwards: only the binary is kept.
      CARGO_TARGET_DIR="$T/cargo-build" cargo install -q --locked --force --root "$T" "$spec"
      rm -rf "$T/cargo-build"
      log "$name: done in $((SECONDS - s))s"
    fi
  done
  exit 0
fi

bash "${BASH_SOURCE[0]}" || return 1
ESTATEKIT_TOOLS=$(cd "$ESTATEKIT_TOOLS" && pwd)
export VIRTUAL_ENV=$ESTATEKIT_TOOLS/venv
export VENV_PY=$VIRTUAL_ENV/bin/python
case ":$PATH:" in *":$VIRTUAL_ENV/bin:"*) ;; *) export PATH=$VIRTUAL_ENV/bin:$PATH ;; esac
case ":$PATH:" in *":$ESTATEKIT_TOOLS/bin:"*) ;; *) export PATH=$ESTATEKIT_TOOLS/bin:$PATH ;; esac
JNA_JAR=$(readlink -f /usr/share/java/jna.jar) && export JNA_JAR
export KOTLINC=$ESTATEKIT_TOOLS/kotlin-$ESTATEKIT_KOTLIN_VERSION/bin/kotlinc
export KOTLIN_LIB=$ESTATEKIT_TOOLS/kotlin-$ESTATEKIT_KOTLIN_VERSION/lib
