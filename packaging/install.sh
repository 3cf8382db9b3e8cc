#!/usr/bin/env bash
# Installs VetPOS as the clinic's appliance, removes it, or builds its Debian package. `./dev install|uninstall|package`
# run this script; the Debian package ships it as /usr/share/vetpos/install.sh and its postinst runs `configure`.
#
#   install   [--destdir DIR] [--binary PATH]   the binary, the systemd units, the udev rules, then `configure`
#   uninstall [--destdir DIR]                   the binary, units and rules; the data, backups and settings stay
#   package   [--binary PATH] [--output DIR] [--allow-toolchain-libs] [--compression xz|gzip|none]
#                                               vetpos_VERSION_ARCH.deb in DIR (default: .build/packages); the
#                                               tests package a 100 MB debug binary uncompressed to stay fast
#   configure [--destdir DIR]                   the vetpos user, /var/lib/vetpos, /var/backups/vetpos,
#                                               /etc/vetpos/vetpos.env, then the units enabled and started
#   version                                     the version (the VERSION file beside this script's folder)
#
# Without --binary, install and package build the release binary with the Swift runtime linked in statically
# (`swift build -c release --product vetpos --static-swift-stdlib`), so it needs only Debian's libraries.
#
# --destdir DIR lays everything down under DIR instead of / and never touches systemd. Owners in DIR: run as root, the
# script creates the vetpos system user on this machine when it is missing (as a real install would) and gives DIR's
# folders to it by name, so DIR holds exactly the owners a real install has. Run as another user it cannot chown:
# everything in DIR belongs to that user and it says so.
set -euo pipefail
shopt -s inherit_errexit

readonly PREFIX_BIN=/usr/bin/vetpos
# The program itself and the resource bundles SwiftPM builds beside it (the API document, the web pages, the receipt
# layouts): Bundle.module looks for NAME.resources in the folder of the executable, with symbolic links resolved, so
# they live together here and /usr/bin/vetpos is a link to the program.
readonly LIB_DIR=/usr/lib/vetpos
readonly UNIT_DIR=/lib/systemd/system
readonly UNITS="vetpos.service vetpos-backup.service vetpos-backup.timer"
# The scanner and the USB drawer to the plugdev group, which vetpos.service joins.
readonly UDEV_RULES=/lib/udev/rules.d/70-vetpos.rules
readonly ETC_DIR=/etc/vetpos
readonly ENV_FILE=/etc/vetpos/vetpos.env
readonly DATA_DIR=/var/lib/vetpos
readonly BACKUP_DIR=/var/backups/vetpos
readonly SHARE_DIR=/usr/share/vetpos
readonly DOC_DIR=/usr/share/doc/vetpos
readonly USER_NAME=vetpos
# Linked directly by vetpos (Drivers/, GRDB): always in Depends, whatever the binary's NEEDED entries say.
readonly BASE_DEPENDS="libsqlite3-0, libcups2, libusb-1.0-0"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# In the repository: packaging/ inside the checkout. In the Debian package: /usr/share/vetpos (no units, no VERSION).
repo="$(dirname "$here")"

say() { echo "vetpos: $*" >&2; }
die() {
  echo "vetpos: error: $*" >&2
  exit 1
}
is_root() { [ "$(id -u)" -eq 0 ]; }
systemd_running() { [ -d /run/systemd/system ]; }

version() {
  [ -f "$repo/VERSION" ] || die "no VERSION file in $repo"
  tr -d ' \n' <"$repo/VERSION"
}

# The settings every vetpos command and both units read. Written once; afterwards it is the admin's file.
env_file_text() {
  cat <<'EOF'
# VetPOS settings for this machine, read by the systemd units (EnvironmentFile=) and as defaults by every vetpos
# command. This is the admin's file: installing or updating VetPOS creates it once and never overwrites it.
# After a change: systemctl restart vetpos.service
#
# The database and the nightly backups. Elsewhere than under /var/lib/vetpos and /var/backups/vetpos, the units also
# need that folder in ReadWritePaths= (systemctl edit vetpos.service vetpos-backup.service).
VETPOS_DB=/var/lib/vetpos/vetpos.sqlite
VETPOS_BACKUPS=/var/backups/vetpos
# Where the server listens: 0.0.0.0 for the clinic's network, 127.0.0.1 for this machine only. It serves HTTPS with
# the clinic's own certificate authority, created on first start in /var/lib/vetpos/tls (beside the database; or
# VETPOS_TLS=FOLDER, which must then be in ReadWritePaths=): install https://THIS-MACHINE:PORT/ca.crt on each terminal
# as a trusted root once (README: Serving the front desk). `journalctl -u vetpos` shows its SHA-256 fingerprint.
VETPOS_HOST=0.0.0.0
VETPOS_PORT=8080
# More `vetpos serve` options, separated by spaces, e.g. --scanner FRONT-1 --idle-minutes 30. Plain HTTP
# (--insecure-http) sends PINs and session tokens readable over the network; on 0.0.0.0 it also needs
# --allow-insecure-lan, for a TLS proxy in front of VetPOS only.
VETPOS_SERVE_OPTIONS=
EOF
}

# ---------------------------------------------------------------------------------------------------------------------
# The binary

# The release binary, with the Swift runtime linked in; under sudo, built as the user who ran it when the checkout is
# theirs (so .build stays theirs).
build_release() {
  [ -f "$repo/Package.swift" ] || die "no Package.swift in $repo: pass --binary PATH"
  local swift
  swift="$(command -v swift || true)"
  [ -n "$swift" ] || { [ -x /opt/swift/usr/bin/swift ] && swift=/opt/swift/usr/bin/swift; } ||
    die "swift not found (sudo resets PATH): build first and pass --binary PATH"
  local -a as_user=()
  if is_root && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] \
    && [ "$(stat -c %U "$repo")" = "$SUDO_USER" ]; then
    as_user=(runuser -u "$SUDO_USER" --)
  fi
  say "building the release binary (swift build -c release --product vetpos --static-swift-stdlib); this takes a while"
  (cd "$repo" && SWIFT_DETERMINISTIC_HASHING=1 "${as_user[@]}" "$swift" build -c release --product vetpos \
    --static-swift-stdlib 2>&1 | { grep -v -E '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Wrapping|Write|Linking|Copying)' \
    >&2 || true; }) || die "the release build failed"
  local bin
  bin="$(cd "$repo" && "${as_user[@]}" "$swift" build -c release --show-bin-path)/vetpos"
  [ -x "$bin" ] || die "the release build did not produce $bin"
  echo "$bin"
}

# ---------------------------------------------------------------------------------------------------------------------
# Files

# install(1) with owner root:root when we are root (a developer's DESTDIR run keeps its own owner).
put() {
  local mode="$1" source="$2" target="$3"
  if is_root; then
    install -D -m "$mode" -o root -g root "$source" "$target"
  else
    install -D -m "$mode" "$source" "$target"
  fi
}

# The resource bundles the binary names (the accessor SwiftPM generates embeds "NAME.resources"), from beside it.
resource_bundles() {
  local binary="$1" name folder
  folder="$(dirname "$binary")"
  while read -r name; do
    [ -d "$folder/$name" ] || die "$binary needs $name, which is not beside it in $folder"
    echo "$folder/$name"
  done < <(grep -a -o -E '[A-Za-z0-9_]+\.resources' "$binary" | sort -u)
}

# The program, its resources and its units under ROOT ("" for /).
stage_files() {
  local root="$1" binary="$2" unit bundle bundles
  bundles="$(resource_bundles "$binary")"
  # An update replaces the whole folder: no stale resources.
  rm -rf "$root$LIB_DIR.new"
  put 0755 "$binary" "$root$LIB_DIR.new/vetpos"
  while read -r bundle; do
    [ -n "$bundle" ] || continue
    cp -R "$bundle" "$root$LIB_DIR.new/"
  done <<<"$bundles"
  chmod -R u=rwX,go=rX "$root$LIB_DIR.new"
  if is_root; then chown -R root:root "$root$LIB_DIR.new"; fi
  rm -rf "$root$LIB_DIR"
  mv "$root$LIB_DIR.new" "$root$LIB_DIR"
  mkdir -p "$root$(dirname "$PREFIX_BIN")"
  ln -sfn ../lib/vetpos/vetpos "$root$PREFIX_BIN"
  for unit in $UNITS; do
    [ -f "$here/systemd/$unit" ] || die "missing $here/systemd/$unit"
    put 0644 "$here/systemd/$unit" "$root$UNIT_DIR/$unit"
  done
  put 0644 "$here/udev/70-vetpos.rules" "$root$UDEV_RULES"
}

# udev applies the device rules at once (not at all in a container without udev: they apply at the next boot).
reload_udev() {
  if command -v udevadm >/dev/null && [ -S /run/udev/control ]; then
    udevadm control --reload-rules || true
    udevadm trigger --subsystem-match=usb --action=change || true
  fi
}

# ---------------------------------------------------------------------------------------------------------------------
# The system user, folders and settings

ensure_user() {
  if getent passwd "$USER_NAME" >/dev/null; then
    return 0
  fi
  local nologin=/usr/sbin/nologin
  [ -x "$nologin" ] || nologin=/bin/false
  say "creating the system user $USER_NAME (no login shell, home $DATA_DIR)"
  if command -v adduser >/dev/null; then
    local -a group=(--group)
    getent group "$USER_NAME" >/dev/null && group=(--ingroup "$USER_NAME")
    adduser --quiet --system "${group[@]}" --home "$DATA_DIR" --no-create-home --shell "$nologin" \
      --gecos "VetPOS appliance" "$USER_NAME" >&2
  else
    local -a group=(--user-group)
    getent group "$USER_NAME" >/dev/null && group=(--gid "$USER_NAME")
    useradd --system "${group[@]}" --home-dir "$DATA_DIR" --no-create-home --shell "$nologin" \
      --comment "VetPOS appliance" "$USER_NAME"
  fi
}

# A folder with its owner and mode, made or corrected (never its contents).
folder() {
  local mode="$1" owner="$2" path="$3"
  mkdir -p "$path"
  chmod "$mode" "$path"
  if is_root; then chown "$owner" "$path"; fi
}

configure() {
  local root="$1"
  if is_root; then
    ensure_user
  else
    [ -n "$root" ] || die "installing needs root: sudo ./dev install"
    say "not root: the vetpos user is not created and everything under $root belongs to $(id -un)"
  fi
  folder 0750 "$USER_NAME:$USER_NAME" "$root$DATA_DIR"
  folder 0750 "$USER_NAME:$USER_NAME" "$root$BACKUP_DIR"
  folder 0755 root:root "$root$ETC_DIR"
  if [ -e "$root$ENV_FILE" ]; then
    say "kept $ENV_FILE as it is (the admin's file)"
  else
    local scratch
    scratch="$(mktemp)"
    env_file_text >"$scratch"
    if is_root; then
      install -m 0640 -o root -g "$USER_NAME" "$scratch" "$root$ENV_FILE"
    else
      install -m 0640 "$scratch" "$root$ENV_FILE"
    fi
    rm -f "$scratch"
    say "wrote $ENV_FILE"
  fi
  # A database left by an earlier install, or touched by a command run as root: back to the service's user.
  local file
  for file in "$root$DATA_DIR"/vetpos.sqlite "$root$DATA_DIR"/vetpos.sqlite-wal "$root$DATA_DIR"/vetpos.sqlite-shm; do
    # Never through a symbolic link: the vetpos user could point one at a file only root may change.
    if [ ! -e "$file" ] || [ -L "$file" ]; then continue; fi
    chmod 0640 "$file"
    if is_root; then chown "$USER_NAME:$USER_NAME" "$file"; fi
  done
  start_units "$root"
}

start_units() {
  local root="$1"
  if [ -n "$root" ]; then
    say "installed under $root (systemd not touched)"
    return 0
  fi
  reload_udev
  if systemd_running; then
    systemctl daemon-reload
    # vetpos-backup.service has no [Install]: the timer starts it.
    systemctl enable vetpos.service vetpos-backup.timer
    systemctl start vetpos-backup.timer
    # A new binary replaces a running one: restart (which starts it the first time). A server that does not start
    # (a port taken, a settings typo) is reported, not a failed install: the files are in place either way.
    local port
    port="$(sed -n 's/^VETPOS_PORT=//p' "$ENV_FILE" | tail -1)"
    if systemctl restart vetpos.service; then
      say "vetpos.service is running and vetpos-backup.timer is enabled: open https://$(hostname):${port:-8080}/" \
        "on each terminal (the address and port are in $ENV_FILE), after installing" \
        "https://$(hostname):${port:-8080}/ca.crt there as a trusted root (see README: Serving the front desk)"
    else
      say "warning: vetpos.service did not start; see journalctl -u vetpos.service, then systemctl restart vetpos"
    fi
  else
    say "systemd is not running on this machine (no /run/systemd/system), so nothing was enabled or started."
    say "on a machine booted with systemd: systemctl enable --now vetpos.service vetpos-backup.timer"
    say "or by hand: runuser -u $USER_NAME -- $PREFIX_BIN serve   (it reads $ENV_FILE)"
  fi
}

installed_by_package() {
  dpkg-query -W -f='${Status}' vetpos 2>/dev/null | grep -q 'ok installed'
}

# ---------------------------------------------------------------------------------------------------------------------
# Commands

cmd_install() {
  local root="" binary=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --destdir) root="${2:?--destdir needs a folder}"; shift 2 ;;
      --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
      *) die "install: unknown option $1" ;;
    esac
  done
  if [ -n "$root" ]; then
    mkdir -p "$root"
    root="$(cd "$root" && pwd)"
    [ "$root" != / ] || root=""
  fi
  if [ -z "$root" ]; then
    is_root || die "installing needs root: sudo ./dev install"
    ! installed_by_package || die "the vetpos Debian package is installed: update it with apt install ./vetpos_*.deb"
  fi
  [ -n "$binary" ] || binary="$(build_release)"
  if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then die "$binary is not an executable file"; fi
  stage_files "$root" "$binary"
  say "installed ${root}$LIB_DIR (the program and its resources; ${root}$PREFIX_BIN links to it), the units in" \
    "${root}$UNIT_DIR and ${root}$UDEV_RULES"
  configure "$root"
  say "the database lives in $DATA_DIR, the nightly backups go to $BACKUP_DIR, the settings are in $ENV_FILE"
}

cmd_uninstall() {
  local root=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --destdir) root="${2:?--destdir needs a folder}"; shift 2 ;;
      *) die "uninstall: unknown option $1" ;;
    esac
  done
  if [ -n "$root" ]; then
    [ -d "$root" ] || die "$root is not a folder"
    root="$(cd "$root" && pwd)"
    [ "$root" != / ] || root=""
  fi
  if [ -z "$root" ]; then
    is_root || die "uninstalling needs root: sudo ./dev uninstall"
    ! installed_by_package || die "vetpos was installed by its Debian package: apt remove vetpos"
    if systemd_running; then
      systemctl disable --now vetpos.service vetpos-backup.timer 2>/dev/null || true
      systemctl stop vetpos-backup.service 2>/dev/null || true
    fi
  fi
  local unit
  rm -f "$root$PREFIX_BIN"
  rm -rf "$root$LIB_DIR"
  for unit in $UNITS; do rm -f "$root$UNIT_DIR/$unit"; done
  rm -f "$root$UDEV_RULES"
  if [ -z "$root" ] && systemd_running; then systemctl daemon-reload; fi
  say "removed ${root}$PREFIX_BIN, ${root}$LIB_DIR, the units in ${root}$UNIT_DIR and ${root}$UDEV_RULES"
  say "kept the database in $DATA_DIR, the backups in $BACKUP_DIR, the settings in $ETC_DIR and the user $USER_NAME;" \
    "to remove them for good: rm -r $DATA_DIR $BACKUP_DIR $ETC_DIR && deluser --system $USER_NAME"
}

# The Debian package names for the libraries the binary links directly (its NEEDED entries, as ldd resolves them).
# A library no Debian package owns is the Swift toolchain's runtime: refused, unless --allow-toolchain-libs (a debug
# binary for tests), because such a package runs only where that toolchain is installed.
binary_depends() {
  local binary="$1" allow="$2" soname path candidate package resolved owners
  local -a packages=() foreign=()
  resolved="$(ldd "$binary")" || die "ldd cannot read $binary"
  # Every file dpkg knows, once (dpkg-query -S per library is slow): "package:arch: /path" lines.
  owners="$(dpkg-query -S '*.so*' 2>/dev/null || true)"
  while read -r soname; do
    # "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)", or the loader as "/lib64/ld-linux-x86-64.so.2 (0x…)".
    path="$(awk -v lib="$soname" '
      $1 == lib && $3 ~ /^\// { print $3; exit }
      $1 ~ /^\// && $1 ~ ("/" lib "$") { print $1; exit }' <<<"$resolved")"
    [ -n "$path" ] || die "ldd cannot find $soname, which $binary needs"
    package=""
    # As ldd names it, with its links resolved, and merged /usr's other spelling (/lib/… for /usr/lib/…).
    for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
      package="$(awk -v file="$candidate" '$NF == file { sub(/:.*/, "", $1); print $1; exit }' <<<"$owners")"
      [ -z "$package" ] || break
    done
    if [ -n "$package" ]; then
      packages+=("$package")
    else
      foreign+=("$soname ($path)")
    fi
  done < <(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }')
  if [ ${#foreign[@]} -gt 0 ]; then
    if [ "$allow" = yes ]; then
      say "warning: no Debian package provides ${foreign[*]}; this package runs only where that Swift toolchain is" \
        "installed (release builds link the Swift runtime statically)"
    else
      die "no Debian package provides ${foreign[*]}: build with --static-swift-stdlib (./dev package does without" \
        "--binary), or pass --allow-toolchain-libs for a package that runs only beside this Swift toolchain"
    fi
  fi
  printf '%s\n' "${packages[@]}" "${BASE_DEPENDS//, /$'\n'}" | sort -u | paste -sd, - | sed 's/,/, /g'
}

cmd_package() {
  local binary="" output="$repo/.build/packages" allow=no compression=xz
  while [ $# -gt 0 ]; do
    case "$1" in
      --compression) compression="${2:?--compression needs xz, gzip or none}"; shift 2 ;;
      --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
      --output) output="${2:?--output needs a folder}"; shift 2 ;;
      --allow-toolchain-libs) allow=yes; shift ;;
      *) die "package: unknown option $1" ;;
    esac
  done
  command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
  [ -n "$binary" ] || binary="$(build_release)"
  if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then die "$binary is not an executable file"; fi
  local ver arch depends stage deb
  ver="$(version)"
  arch="$(dpkg --print-architecture)"
  depends="$(binary_depends "$binary" "$allow")"
  stage="$(mktemp -d)"
  chmod 0755 "$stage"
  # shellcheck disable=SC2064 # the folder is known now
  trap "rm -rf '$stage'" EXIT
  # Owners in the archive are root:root (dpkg-deb --root-owner-group); modes come from here.
  stage_files "$stage" "$binary"
  install -D -m 0755 "$here/install.sh" "$stage$SHARE_DIR/install.sh"
  install -D -m 0644 "$repo/README.md" "$stage$DOC_DIR/README.md"
  install -d -m 0755 "$stage/DEBIAN"
  cat >"$stage/DEBIAN/control" <<EOF
Package: vetpos
Version: $ver
Architecture: $arch
Maintainer: VetPOS <vetpos@localhost>
Section: misc
Priority: optional
Depends: $depends, adduser | passwd
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Homepage: https://localhost/vetpos
Description: point of sale and cash reconciliation for a veterinary front desk
 The vetpos command and its server (vetpos.service) on one SQLite database in
 /var/lib/vetpos, with nightly backups to /var/backups/vetpos
 (vetpos-backup.timer). Settings: /etc/vetpos/vetpos.env. Removing or purging
 the package keeps the database, the backups and the settings.
EOF
  cat >"$stage/DEBIAN/postinst" <<'EOF'
#!/bin/sh
# The vetpos user, its folders, /etc/vetpos/vetpos.env (once), then the units enabled and (re)started when systemd runs.
set -e
if [ "$1" = configure ]; then
  /usr/share/vetpos/install.sh configure
fi
EOF
  cat >"$stage/DEBIAN/prerm" <<'EOF'
#!/bin/sh
# Stops the server and the backup timer before the package goes (an upgrade restarts them in postinst).
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl disable --now vetpos.service vetpos-backup.timer >/dev/null 2>&1 || true
  systemctl stop vetpos-backup.service >/dev/null 2>&1 || true
fi
EOF
  cat >"$stage/DEBIAN/postrm" <<'EOF'
#!/bin/sh
# Removing, and even purging, keeps the clinic's database, backups, settings and the vetpos user.
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
case "$1" in
  remove | purge)
    echo "vetpos: kept the database in /var/lib/vetpos, the backups in /var/backups/vetpos, the settings in" \
      "/etc/vetpos and the user vetpos; to remove them for good: rm -r /var/lib/vetpos /var/backups/vetpos" \
      "/etc/vetpos && deluser --system vetpos" >&2
    ;;
esac
EOF
  chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"
  mkdir -p "$output"
  deb="$(cd "$output" && pwd)/vetpos_${ver}_${arch}.deb"
  dpkg-deb --root-owner-group "-Z$compression" --build "$stage" "$deb" >/dev/null
  say "built $deb (Depends: $depends, adduser | passwd)"
  echo "$deb"
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  install) cmd_install "$@" ;;
  uninstall) cmd_uninstall "$@" ;;
  package) cmd_package "$@" ;;
  configure)
    root=""
    if [ "${1:-}" = --destdir ]; then root="${2:?--destdir needs a folder}"; fi
    is_root || [ -n "$root" ] || die "configure needs root"
    configure "$root"
    ;;
  version) version ;;
  *)
    echo "usage: $0 install [--destdir DIR] [--binary PATH] | uninstall [--destdir DIR]" \
      "| package [--binary PATH] [--output DIR] [--allow-toolchain-libs] [--compression xz|gzip|none]" \
      "| configure [--destdir DIR] | version" >&2
    exit 2
    ;;
esac
