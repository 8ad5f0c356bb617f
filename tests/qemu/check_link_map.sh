#!/usr/bin/env bash
# Fails if a firmware's link map shows the C library's heap or stdio linked:
# the symbols below, defined in an input section the linker kept (GNU ld lists
# each kept section with its global symbols after "Linker script and memory
# map"; sections --gc-sections dropped are listed before it). To be sure the
# map was read at all, the symbols named by --require must be there; --forbid
# adds a symbol to the list (an optional service's code a firmware must not link).
# --require-input RE / --forbid-input RE: some / no kept section of non-zero
# size may come from an input file whose name matches the extended regex RE
# (an image built with SOCKPORT_LTO takes sockport's code from the link's LTO
# objects, ltrans, and none from libsockport_core.a).
# Usage: check_link_map.sh [--require SYMBOL]... [--forbid SYMBOL]...
#        [--require-input RE]... [--forbid-input RE]... firmware.map
set -euo pipefail
required=()
extra=()
want_inputs=()
bad_inputs=()
while [ $# -gt 1 ]; do
  case "$1" in
    --require) required+=("$2"); shift 2 ;;
    --forbid) extra+=("$2"); shift 2 ;;
    --require-input) want_inputs+=("$2"); shift 2 ;;
    --forbid-input) bad_inputs+=("$2"); shift 2 ;;
    *) echo "check_link_map.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
map=${1:?usage: check_link_map.sh [--require SYMBOL]... firmware.map}
[ -r "$map" ] || { echo "check_link_map.sh: cannot read $map" >&2; exit 2; }
forbidden="malloc _malloc_r calloc _calloc_r realloc _realloc_r free _free_r _sbrk _sbrk_r
printf _printf_r iprintf _iprintf_r vprintf fprintf _fprintf_r vfprintf _vfprintf_r _vfiprintf_r
puts _puts_r putchar fputs fwrite _fwrite_r fflush _fflush_r setvbuf __sinit _fwalk abort exit
${extra[*]}"
# Tab-separated: the regexes may hold spaces.
want_inputs_list=$(printf '%s\t' "${want_inputs[@]}")
bad_inputs_list=$(printf '%s\t' "${bad_inputs[@]}")
awk -v forbidden="$forbidden" -v required="${required[*]}" -v want_inputs="$want_inputs_list" \
    -v bad_inputs="$bad_inputs_list" '
  BEGIN {
    n = split(forbidden, f, /[ \n]+/); for (i = 1; i <= n; i++) bad[f[i]] = 1
    n = split(required, r, / +/); for (i = 1; i <= n; i++) if (r[i] != "") want[r[i]] = 1
    n_want_in = split(want_inputs, want_in, /\t/); n_bad_in = split(bad_inputs, bad_in, /\t/)
  }
  /^Linker script and memory map/ { inmap = 1; next }
  !inmap { next }
  # " .text.name 0xADDR 0xSIZE file", or the name alone with the rest on the next line.
  /^ [.][^ ]+$/ { pending = 1; next }
  /^ [.][^ ]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/ || (pending && /^ +0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]/) {
    pending = 0
    size = section_size($0); input = $NF
    if (size == 0) next
    for (i = 1; i <= n_want_in; i++) if (want_in[i] != "" && input ~ want_in[i]) seen_in[i] = 1
    for (i = 1; i <= n_bad_in; i++)
      if (bad_in[i] != "" && input ~ bad_in[i] && !((i, input) in listed)) {
        listed[i, input] = 1; bad_from[i] = bad_from[i] " " input; bad_input_count++
      }
    next
  }
  { pending = 0 }
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
    for (i = 1; i <= n_want_in; i++)
      if (want_in[i] != "" && !(i in seen_in)) { print "no kept section from an input matching " want_in[i]; exit 1 }
    if (bad_input_count > 0) {
      for (i = 1; i <= n_bad_in; i++) if (i in bad_from) print "kept sections from an input matching " bad_in[i] ":" bad_from[i]
      exit 1
    }
    if (count > 0) { print "linked, but must not be:" found; exit 1 }
    printf "%d linked symbols, none of the %d forbidden (C library heap, stdio, and any named)\n", symbols, length(bad)
  }
  # The size field of a section line: the second 0x number on it.
  function section_size(line,   f, n, i, k, v, c, hex) {
    n = split(line, f, / +/); k = 0
    for (i = 1; i <= n; i++) if (f[i] ~ /^0x[0-9a-f]+$/ && ++k == 2) hex = substr(f[i], 3)
    v = 0
    for (i = 1; i <= length(hex); i++) { c = index("0123456789abcdef", substr(hex, i, 1)) - 1; v = v * 16 + c }
    return v
  }' "$map"
