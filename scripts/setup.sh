#!/usr/bin/env bash
# Prepare a Debian 12 machine to build and test sockport: install the missing
# packages, then fetch the lwIP, CMocka, mbedTLS and wolfSSL sources into third_party/.
#
# Idempotent and non-interactive (CI=true, no stdin): a second run finds
# everything in place and changes nothing. Runs as root, or through sudo.
# May be executed (bash scripts/setup.sh) or sourced (then it returns instead
# of exiting, and leaves the caller's shell options alone).
#
# The sources come from the Debian packages (apt-get source), so no download
# address is written anywhere: deb-src entries are derived from the machine's
# own apt sources.
#
# Each step prints one line; what apt and dpkg say goes to build/setup.log
# (SOCKPORT_SETUP_LOG overrides), whose tail is printed when a step fails.

# libclang-rt-14-dev: clang's sanitizer and libFuzzer runtimes, which
# --no-install-recommends leaves out (preset host-clang links UBSan).
# valgrind and gnuplot-nox: bench/run.sh's instruction counts and its plot.
sp_setup_packages=(
    build-essential cmake pkg-config clang libclang-rt-14-dev libcmocka-dev libc-ares-dev
    gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
    socat netcat-openbsd dnsmasq-base iproute2 nftables curl dpkg-dev valgrind
    python3 openssl gnuplot-nox
)
sp_setup_lwip_version="2.1.3"
# deb-src entries this script derives live in a file of their own, so a rerun
# (or a human) can see and remove exactly what it added.
sp_setup_debsrc_deb822=/etc/apt/sources.list.d/sockport-deb-src.sources
sp_setup_debsrc_oneline=/etc/apt/sources.list.d/sockport-deb-src.list

sp_setup_log() { printf 'setup: %s\n' "$*"; }

sp_setup_logfile=/dev/null
# Run a step with its output appended to the log; on failure name the step and
# show the log's tail, which is where apt says what went wrong.
sp_setup_quiet() {
    local what="$1" status=0
    shift
    printf '\n==== %s: %s\n' "$(date -u '+%F %T')" "$*" >>"$sp_setup_logfile"
    "$@" >>"$sp_setup_logfile" 2>&1 </dev/null || status=$?
    if [ "$status" -ne 0 ]; then
        sp_setup_log "$what failed (exit status $status); last lines of $sp_setup_logfile:" >&2
        tail -n 25 "$sp_setup_logfile" | sed 's/^/    /' >&2
    fi
    return "$status"
}

sp_setup_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n env DEBIAN_FRONTEND=noninteractive "$@"
    else
        sp_setup_log "need root for: $*  (run as root or install sudo)" >&2
        return 1
    fi
}

sp_setup_apt_updated=0
sp_setup_apt_update() {
    if [ "$sp_setup_apt_updated" -eq 0 ]; then
        sp_setup_log "apt-get update"
        sp_setup_quiet "apt-get update" sp_setup_as_root apt-get update || return 1
        sp_setup_apt_updated=1
    fi
}

sp_setup_missing_packages() {
    local pkg
    for pkg in "${sp_setup_packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            printf '%s\n' "$pkg"
        fi
    done
}

sp_setup_install_packages() {
    local missing
    mapfile -t missing < <(sp_setup_missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        sp_setup_log "all ${#sp_setup_packages[@]} packages installed"
        return 0
    fi
    sp_setup_apt_update || return 1
    sp_setup_log "apt-get install ${#missing[@]} packages: ${missing[*]}"
    sp_setup_quiet "apt-get install" \
        sp_setup_as_root apt-get install -y --no-install-recommends "${missing[@]}" || return 1
    mapfile -t missing < <(sp_setup_missing_packages)
    if [ "${#missing[@]}" -gt 0 ]; then
        sp_setup_log "still not installed: ${missing[*]}" >&2
        return 1
    fi
}

sp_setup_debsrc_enabled() {
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f" && return 0
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && grep -Eiq '^Types:.*\bdeb-src\b' "$f" && return 0
    done
    return 1
}

# Print a deb-src copy of every deb822 stanza that serves the distribution's
# own suites (third-party repositories often publish no sources, and an entry
# for them would break apt-get update).
sp_setup_derive_deb822() {
    local codename="$1" f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        [ "$f" = "$sp_setup_debsrc_deb822" ] && continue
        awk -v codename="$codename" '
            function flush() {
                if (stanza != "" && is_deb && suite_ok && enabled) printf "%s\n", stanza
                stanza = ""; is_deb = 0; suite_ok = 0; enabled = 1
            }
            BEGIN { enabled = 1 }
            /^[[:space:]]*$/ { flush(); next }
            /^#/ { next }
            tolower($1) == "types:" {
                for (i = 2; i <= NF; i++) if ($i == "deb") is_deb = 1
                stanza = stanza "Types: deb-src\n"; next
            }
            tolower($1) == "suites:" {
                for (i = 2; i <= NF; i++) if (index($i, codename) == 1) suite_ok = 1
            }
            tolower($1) == "enabled:" && tolower($2) == "no" { enabled = 0 }
            { stanza = stanza $0 "\n" }
            END { flush() }
        ' "$f"
    done
}

sp_setup_derive_oneline() {
    local codename="$1" f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        [ "$f" = "$sp_setup_debsrc_oneline" ] && continue
        # "deb [opts] uri suite components": keep lines whose suite is this release's.
        awk -v codename="$codename" '
            $1 == "deb" {
                n = 2
                if ($2 ~ /^\[/) { while (n <= NF && $n !~ /\]$/) n++; n++ }
                if (index($(n + 1), codename) == 1) { sub(/^deb[[:space:]]/, "deb-src "); print }
            }
        ' "$f"
    done
}

sp_setup_enable_debsrc() {
    if sp_setup_debsrc_enabled; then
        sp_setup_log "deb-src already enabled"
        return 0
    fi
    local codename text
    codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
    if [ -z "$codename" ]; then
        sp_setup_log "cannot tell the Debian release from /etc/os-release" >&2
        return 1
    fi
    text="$(sp_setup_derive_deb822 "$codename")"
    if [ -n "$text" ]; then
        printf '%s\n' "$text" | sp_setup_as_root tee "$sp_setup_debsrc_deb822" >/dev/null || return 1
        sp_setup_log "deb-src derived from the deb822 sources into $sp_setup_debsrc_deb822"
    else
        text="$(sp_setup_derive_oneline "$codename")"
        if [ -z "$text" ]; then
            sp_setup_log "found no '$codename' apt source to derive deb-src from" >&2
            return 1
        fi
        printf '%s\n' "$text" | sp_setup_as_root tee "$sp_setup_debsrc_oneline" >/dev/null || return 1
        sp_setup_log "deb-src derived from the one-line sources into $sp_setup_debsrc_oneline"
    fi
    sp_setup_apt_updated=0 # the new entries need their own package lists
    sp_setup_apt_update
}

# apt-get source <package> into a scratch directory, then move the unpacked
# tree to third_party/<name>. With a third argument, the downloaded source
# package itself (.dsc and tarballs) is kept in that directory too, so that a
# check can later unpack it again and compare (tls/check_unmodified.sh).
sp_setup_fetch_source() {
    local package="$1" dest="$2" keep="${3:-}" scratch tree
    if [ -e "$dest" ] && { [ -z "$keep" ] || compgen -G "$keep/${package}_*.dsc" >/dev/null; }; then
        sp_setup_log "$dest present"
        return 0
    fi
    if ! apt-cache showsrc "$package" 2>/dev/null | grep -q '^Package:'; then
        sp_setup_apt_update || return 1
    fi
    scratch="$(mktemp -d)"
    # apt downloads as the unprivileged _apt user when it may write there.
    if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
        chown _apt "$scratch"
    fi
    sp_setup_log "apt-get source $package"
    if ! sp_setup_quiet "apt-get source $package" \
        sh -c 'cd "$1" && apt-get source "$2"' sh "$scratch" "$package"; then
        rm -rf "$scratch"
        return 1
    fi
    tree="$(find "$scratch" -mindepth 1 -maxdepth 1 -type d -name "${package}-*" | head -n 1)"
    if [ -z "$tree" ]; then
        sp_setup_log "apt-get source $package unpacked nothing" >&2
        rm -rf "$scratch"
        return 1
    fi
    mkdir -p "$(dirname "$dest")"
    if [ -n "$keep" ]; then
        rm -rf "$keep"
        mkdir -p "$keep"
        find "$scratch" -mindepth 1 -maxdepth 1 -type f -name "${package}_*" -exec mv {} "$keep"/ \;
    fi
    rm -rf "$dest" # an unpacked tree whose source package was lost: replaced as a whole
    mv "$tree" "$dest"
    rm -rf "$scratch"
    sp_setup_log "$package source in $dest"
}

sp_setup_check_lwip_version() {
    local header="$1/src/include/lwip/init.h" major minor revision
    if [ ! -f "$header" ]; then
        sp_setup_log "no lwIP source at $1" >&2
        return 1
    fi
    major="$(tr -d '\r' <"$header" | awk '$2 == "LWIP_VERSION_MAJOR" { print $3 }')"
    minor="$(tr -d '\r' <"$header" | awk '$2 == "LWIP_VERSION_MINOR" { print $3 }')"
    revision="$(tr -d '\r' <"$header" | awk '$2 == "LWIP_VERSION_REVISION" { print $3 }')"
    if [ "$major.$minor.$revision" = "$sp_setup_lwip_version" ]; then
        sp_setup_log "lwIP version $major.$minor.$revision (as expected)"
    else
        sp_setup_log "WARNING: lwIP version is $major.$minor.$revision, sockport is tested with $sp_setup_lwip_version"
    fi
}

sp_setup_mbedtls_version="2.28"

# The build (cmake/SockportMbedtls.cmake) and the board configuration in tls/ are written for the 2.28 LTS
# branch (3.x renamed much of the configuration and the programs' options).
sp_setup_check_mbedtls_version() {
    local header="$1/include/mbedtls/version.h" version
    if [ ! -f "$header" ]; then
        sp_setup_log "no mbedTLS source at $1" >&2
        return 1
    fi
    version="$(awk '$2 == "MBEDTLS_VERSION_STRING" { gsub(/"/, "", $3); print $3 }' "$header")"
    case "$version" in
    "$sp_setup_mbedtls_version".*) sp_setup_log "mbedTLS version $version (as expected)" ;;
    *)
        sp_setup_log "mbedTLS version is '$version', sockport needs $sp_setup_mbedtls_version.x" >&2
        return 1
        ;;
    esac
}

sp_setup_main() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
    export DEBIAN_FRONTEND=noninteractive
    sp_setup_logfile="${SOCKPORT_SETUP_LOG:-$root/build/setup.log}"
    mkdir -p "$(dirname "$sp_setup_logfile")" && : >>"$sp_setup_logfile" || return 1
    sp_setup_log "full log: $sp_setup_logfile"
    sp_setup_install_packages || return 1
    sp_setup_enable_debsrc || return 1
    sp_setup_fetch_source lwip "$root/third_party/lwip" || return 1
    sp_setup_fetch_source cmocka "$root/third_party/cmocka" || return 1
    sp_setup_fetch_source mbedtls "$root/third_party/mbedtls" "$root/third_party/mbedtls-debian" || return 1
    sp_setup_check_mbedtls_version "$root/third_party/mbedtls" || return 1
    # The TLS layer's second backend (core/tls/tls_wolfssl.c, SOCKPORT_TLS_BACKEND=wolfssl).
    sp_setup_fetch_source wolfssl "$root/third_party/wolfssl" || return 1
    sp_setup_check_lwip_version "$root/third_party/lwip" || return 1
    sp_setup_log "ready"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    sp_setup_main
else
    sp_setup_main
fi
