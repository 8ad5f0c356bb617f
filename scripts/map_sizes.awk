# Sums the sizes of the input sections a linked image kept (after
# --gc-sections), read from the linker's map file, for the object files whose
# path matches PAT: flash (text, rodata), data (flash and RAM), bss (RAM).
# Usage: awk -v PAT='libsockport_bsd[.]a' -f scripts/map_sizes.awk firmware.map
# (scripts/footprint.sh). Prints "text data bss". Plain awk: no strtonum.
/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }
{
  line = $0
  if (match(line, /^ [.][^ ]+$/)) { pending = substr(line, 2); next }
  name = ""; rest = ""
  if (match(line, /^ [.][^ ]+[ ]+0x/)) { split(line, f, " "); name = f[1]; addr = f[2]; size = f[3]; file = f[4] }
  else if (pending != "" && match(line, /^[ ]+0x[0-9a-f]+[ ]+0x[0-9a-f]+[ ]+[^ ]/)) { split(line, f, " "); name = pending; addr = f[1]; size = f[2]; file = f[3] }
  pending = ""
  if (name == "" || file !~ PAT) next
  n = hex(size)
  if (name ~ /^[.](text|rodata)/) text += n
  else if (name ~ /^[.]data/) data += n
  else if (name ~ /^[.]bss|^COMMON/) bss += n
}
END { printf "%8d %6d %8d\n", text, data, bss }
function hex(text,   i, c, v) {
  v = 0
  text = tolower(substr(text, 3))
  for (i = 1; i <= length(text); i++) { c = index("0123456789abcdef", substr(text, i, 1)) - 1; v = v * 16 + c }
  return v
}
