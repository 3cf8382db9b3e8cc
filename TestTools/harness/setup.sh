#!/bin/bash
# setup.sh - install everything the hardware test harness needs, then build the
# C helpers.  Idempotent: every step checks first and skips what is done.
#
# usage: setup.sh [--no-apt] [--no-venv] [--no-build]
# env:   HARNESS_TMP   scratch dir (default: new `mktemp -d`); the build goes to
#                      $HARNESS_BUILD (default $HARNESS_TMP/build)
#        HARNESS_VENV  emupos venv (default $HARNESS_TMP/venv-emupos)
#        PYTHON313     a Python >= 3.13 interpreter, if not on PATH or in pyenv
# Last line on stdout: the exports to reuse this scratch dir, e.g.
#   eval "$(./setup.sh | tail -1)"
# Needs root for apt-get (Debian 12).  No service is started.
set -euo pipefail

do_apt=1 do_venv=1 do_build=1
for a in "$@"; do
  case $a in
    --no-apt) do_apt=0 ;; --no-venv) do_venv=0 ;; --no-build) do_build=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
. "$(dirname "$0")/common.sh"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }

# ---- 1. Debian packages ------------------------------------------------------
if [ $do_apt = 1 ]; then
  t0=$(now)
  missing=()
  for p in $HARNESS_APT_PACKAGES; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
      || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      harness_log "missing packages: ${missing[*]} (run setup.sh as root, or install them)"
      exit 1
    fi
    harness_log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -q >&2
    timeout 1200 apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
    harness_log "apt packages installed in $(since "$t0") s"
  else
    harness_log "apt packages already installed"
  fi
fi

# ---- 2. Python 3.13 venv with emupos ----------------------------------------
if [ $do_venv = 1 ]; then
  t0=$(now)
  "$HARNESS_DIR/emupos-venv.sh" >/dev/null
  harness_log "emupos venv ready in $(since "$t0") s: $HARNESS_VENV"
fi

# ---- 3. C helpers ------------------------------------------------------------
if [ $do_build = 1 ]; then
  t0=$(now)
  mkdir -p "$HARNESS_BUILD"
  S=$HARNESS_DIR
  UMOCK_FLAGS=$(pkg-config --cflags --libs umockdev-1.0 glib-2.0 gobject-2.0)
  # name  sources-it-depends-on  flags
  build() {
    local out=$1 deps=$2; shift 2
    local newer=0 d
    for d in $deps; do [ "$S/$d" -nt "$HARNESS_BUILD/$out" ] && newer=1; done
    [ -x "$HARNESS_BUILD/$out" ] && [ $newer = 0 ] && return 0
    harness_log "cc $out"
    cc -Wall -Wextra -O1 -g -o "$HARNESS_BUILD/$out" "$S/${deps%% *}" "$@"
  }
  build pos_usb_emu    "pos_usb_emu.c pos_usb_model.h" $UMOCK_FLAGS
  harness_log "C helpers up to date in $HARNESS_BUILD ($(since "$t0") s)"
fi

printf 'export HARNESS_TMP=%q HARNESS_BUILD=%q HARNESS_VENV=%q\n' \
  "$HARNESS_TMP" "$HARNESS_BUILD" "$HARNESS_VENV"
