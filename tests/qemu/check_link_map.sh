#!/usr/bin/env bash
# Fails if a firmware's link map shows the C library's heap or stdio linked:
# the symbols below, defined in an input section the linker kept (GNU ld lists
# each kept section with its global symbols after "Linker script and memory
# map"; sections --gc-sections dropped are listed before it). To be sure the
# map was read at all, the symbols named by --require must be there; --forbid
# adds a symbol to the list (an optional service's code a firmware must not link).
# Usage: check_link_map.sh [--require SYMBOL]... [--forbid SYMBOL]... firmware.map
set -euo pipefail
required=()
extra=()
while [ $# -gt 1 ]; do
  case "$1" in
    --require) required+=("$2"); shift 2 ;;
    --forbid) extra+=("$2"); shift 2 ;;
    *) echo "check_link_map.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
map=${1:?usage: check_link_map.sh [--require SYMBOL]... firmware.map}
[ -r "$map" ] || { echo "check_link_map.sh: cannot read $map" >&2; exit 2; }
forbidden="malloc _malloc_r calloc _calloc_r realloc _realloc_r free _free_r _sbrk _sbrk_r
printf _printf_r iprintf _iprintf_r vprintf fprintf _fprintf_r vfprintf _vfprintf_r _vfiprintf_r
puts _puts_r putchar fputs fwrite _fwrite_r fflush _fflush_r setvbuf __sinit _fwalk abort exit
${extra[*]}"
awk -v forbidden="$forbidden" -v required="${required[*]}" '
  BEGIN {
    n = split(forbidden, f, /[ \n]+/); for (i = 1; i <= n; i++) bad[f[i]] = 1
    n = split(required, r, / +/); for (i = 1; i <= n; i++) if (r[i] != "") want[r[i]] = 1
  }
  /^Linker script and memory map/ { inmap = 1; next }
  !inmap { next }
  # "                0x000133dc                printf": a symbol of the section above.
  /^ +0x[0-9a-f]+ +[A-Za-z_][A-Za-z0-9_.$]*$/ {
    symbols++
    name = $2
    if (name in bad) { found = found " " name; count++ }
    delete want[name]
  }
  END {
    if (!inmap || symbols == 0) { print "no memory map in " FILENAME; exit 2 }
    missing = ""
    for (name in want) missing = missing " " name
    if (missing != "") { print "required symbols not in the map (not a map of this firmware?):" missing; exit 2 }
    if (count > 0) { print "linked, but must not be:" found; exit 1 }
    printf "%d linked symbols, none of the %d forbidden (C library heap, stdio, and any named)\n", symbols, length(bad)
  }' "$map"
