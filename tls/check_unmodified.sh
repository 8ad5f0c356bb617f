#!/usr/bin/env bash
# Prove that the mbedTLS tree sockport builds from (third_party/mbedtls) is
# Debian's source package, unmodified: unpack the package that
# scripts/setup.sh kept (third_party/mbedtls-debian: .dsc, .orig and .debian
# tarballs) again into a temporary directory with dpkg-source, which checks
# the tarballs against the .dsc's checksums, and compare the SHA-256 of every
# file of both trees (no file changed, added or removed). When apt knows the
# source package, the .dsc's own checksum is also compared with the one apt
# has from the archive's signed index.
#
# With --compile-commands FILE (repeatable; CMake's compile_commands.json),
# also list every mbedTLS source file those builds compile and check that
# each lies in the verified tree.
#
#   bash tls/check_unmodified.sh [--tree DIR] [--package-dir DIR] [--compile-commands FILE]...
# Exit status: 0 unmodified; 1 a difference (printed); 2 cannot check (missing
# package, tool or tree).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tree="$root/third_party/mbedtls"
package_dir="$root/third_party/mbedtls-debian"
compile_commands=()
while [ $# -gt 0 ]; do
    case "$1" in
    --tree) tree=$2; shift 2 ;;
    --package-dir) package_dir=$2; shift 2 ;;
    --compile-commands) compile_commands+=("$2"); shift 2 ;;
    -h | --help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "check_unmodified: unknown argument $1" >&2; exit 2 ;;
    esac
done

cannot() { echo "check_unmodified: cannot check: $*" >&2; exit 2; }
command -v dpkg-source >/dev/null || cannot "dpkg-source not found (package dpkg-dev; run scripts/setup.sh)"
[ -d "$tree" ] || cannot "no mbedTLS tree at $tree (run scripts/setup.sh)"
dsc="$(find "$package_dir" -maxdepth 1 -name 'mbedtls_*.dsc' 2>/dev/null | sort | tail -n 1)"
[ -n "$dsc" ] || cannot "no mbedtls_*.dsc in $package_dir (run scripts/setup.sh)"

# The archive's word on the .dsc, when apt has the source index.
dsc_name="$(basename "$dsc")"
expected="$(apt-cache showsrc mbedtls 2>/dev/null | awk -v f="$dsc_name" '
    /^Checksums-Sha256:/ { in_sums = 1; next }
    /^[^ ]/ { in_sums = 0 }
    in_sums && $3 == f { print $1; exit }')"
actual="$(sha256sum "$dsc" | cut -d' ' -f1)"
if [ -n "$expected" ]; then
    if [ "$expected" != "$actual" ]; then
        echo "check_unmodified: $dsc_name differs from the archive's (sha256 $actual, apt says $expected)"
        exit 1
    fi
    echo "check_unmodified: $dsc_name matches the archive's index (sha256 $actual)"
else
    echo "check_unmodified: apt has no source index for mbedtls here; $dsc_name not compared with the archive"
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/sockport-mbedtls-check.XXXXXX")" || cannot "mktemp failed"
trap 'rm -rf "$scratch"' EXIT
if ! (cd "$scratch" && dpkg-source --no-copy -x "$dsc" pristine >"$scratch/dpkg-source.log" 2>&1); then
    cat "$scratch/dpkg-source.log"
    echo "check_unmodified: dpkg-source could not unpack $dsc (a tarball differs from the .dsc's checksums?)"
    exit 1
fi

# "sha256  ./path" for every file and symbolic link of a tree.
tree_sums() { (cd "$1" && find . \( -type f -o -type l \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum); }
tree_sums "$scratch/pristine" >"$scratch/pristine.sums"
tree_sums "$tree" >"$scratch/tree.sums"
files="$(wc -l <"$scratch/pristine.sums")"
if ! diff -u "$scratch/pristine.sums" "$scratch/tree.sums" >"$scratch/diff"; then
    echo "check_unmodified: $tree differs from $dsc_name (- pristine, + tree):"
    grep '^[-+][0-9a-f]' "$scratch/diff"
    exit 1
fi
echo "check_unmodified: all $files files of $tree are identical to $dsc_name unpacked"

[ ${#compile_commands[@]} -eq 0 ] && exit 0
command -v python3 >/dev/null || cannot "python3 not found (needed to read compile_commands.json)"
python3 - "$tree" "$scratch/pristine.sums" "${compile_commands[@]}" <<'PY'
import json, os, sys
tree = os.path.realpath(sys.argv[1])
pristine = {line.split(None, 1)[1].strip()[2:] for line in open(sys.argv[2])}
compiled = set()
for path in sys.argv[3:]:
    for entry in json.load(open(path)):
        source = os.path.realpath(os.path.join(entry.get("directory", ""), entry["file"]))
        if source.startswith(tree + os.sep):
            compiled.add(os.path.relpath(source, tree))
missing = sorted(f for f in compiled if f not in pristine)
for name in sorted(compiled):
    print("  compiled: " + name)
if not compiled:
    print("check_unmodified: those builds compiled no file of " + tree)
    sys.exit(1)
if missing:
    print("check_unmodified: compiled but not in Debian's package: " + ", ".join(missing))
    sys.exit(1)
print("check_unmodified: %d mbedTLS source files compiled by %d build(s), all in the verified tree"
      % (len(compiled), len(sys.argv) - 3))
PY
