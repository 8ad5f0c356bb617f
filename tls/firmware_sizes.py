#!/usr/bin/env python3
"""Flash and RAM of the TLS firmware by part, from the linker map.

    python3 tls/firmware_sizes.py build/host/tests/qemu/firmware/fw_ssl_server2.map [...]

Sums the input sections the linker kept (after --gc-sections) per part:
mbedTLS's library and program files, our glue, the BSD layer, sockport core,
lwIP with the port, and the rest (board, newlib, libgcc). text counts code and
read-only data, data the initialised RAM (also stored in flash), bss the
zeroed RAM. docs/bsd-mbedtls.md quotes the result.
"""
import collections
import re
import sys

SECTION = re.compile(r"^ (\.[\w.]+|COMMON)\s*\n?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)", re.M)
# First match wins: object paths as the firmware build (tests/qemu/firmware) names them.
PARTS = [
    ("libfw_mbedtls.a", "mbedTLS library"),
    ("_objects", "mbedTLS program files"),
    ("fw_mbedtls_glue", "platform glue (tls/board)"),
    ("sockport_bsd", "BSD layer"),
    ("lwip", "lwIP and the lwIP port"),
    ("sockport_core", "sockport core"),
]


def kind_of(section):
    if section.startswith((".text", ".rodata")):
        return "text"
    if section.startswith(".data"):
        return "data"
    if section.startswith((".bss", "COMMON")):
        return "bss"
    return None


def part_of(path):
    for needle, part in PARTS:
        if needle in path:
            return part
    return "board, newlib, libgcc"


def main(maps):
    for map_path in maps:
        text = open(map_path, encoding="utf-8", errors="replace").read()
        memory_map = text[text.index("Linker script and memory map"):]
        sums = collections.Counter()
        for section, _address, size, path in SECTION.findall(memory_map):
            kind = kind_of(section)
            if kind is not None:
                sums[(part_of(path), kind)] += int(size, 16)
        print(map_path)
        for part in [p for _, p in PARTS] + ["board, newlib, libgcc"]:
            print("  %-28s text %8d  data %6d  bss %9d"
                  % (part, sums[(part, "text")], sums[(part, "data")], sums[(part, "bss")]))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
