#!/usr/bin/env python3
"""Which parts of a running process's executable (and libraries) are resident, by section and by symbol.

Usage: resident_pages.py PID [UNSTRIPPED_BINARY] [--top N]

1. /proc/PID/smaps: Rss, anonymous and file-backed kB of every mapping, summed per file (what each library or
   the executable itself costs in memory, as opposed to its size on disk).
2. For the executable: /proc/PID/pagemap (present bit 63, Documentation/admin-guide/mm/pagemap.rst; needs root
   for the page frame numbers, not for the present bit) says which of its pages are resident; each resident page
   is attributed to the ELF section holding its file offset (readelf -S) and, given an unstripped copy of the
   same build, to the symbols it holds (nm -n), grouped by the module their mangled or C name points at.
"""
import collections
import re
import struct
import subprocess
import sys

PAGE = 4096


def mappings(pid):
    """[(start, end, perms, offset, path, fields)] from /proc/PID/smaps."""
    result = []
    current = None
    with open("/proc/%d/smaps" % pid) as smaps:
        for line in smaps:
            head = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+\s*(.*)$", line)
            if head:
                current = (int(head[1], 16), int(head[2], 16), head[3], int(head[4], 16), head[5].strip(), {})
                result.append(current)
                continue
            field = re.match(r"^(\w+):\s+(\d+) kB", line)
            if field and current:
                current[5][field[1]] = int(field[2])
    return result


def per_file(maps):
    totals = collections.defaultdict(lambda: [0, 0, 0])
    for start, end, perms, offset, path, fields in maps:
        name = path or "[anonymous]"
        totals[name][0] += fields.get("Rss", 0)
        totals[name][1] += fields.get("Anonymous", 0)
        totals[name][2] += (end - start) // 1024
    return totals


def resident(pid, start, end):
    """Virtual page addresses in [start, end) whose pagemap entry says present."""
    pages = []
    with open("/proc/%d/pagemap" % pid, "rb") as pagemap:
        pagemap.seek(start // PAGE * 8)
        data = pagemap.read((end - start) // PAGE * 8)
    for i in range(len(data) // 8):
        (entry,) = struct.unpack_from("<Q", data, i * 8)
        if entry >> 63 & 1:
            pages.append(start + i * PAGE)
    return pages


def sections(binary):
    """[(offset, size, name)] of the allocated sections."""
    out = subprocess.run(["readelf", "-SW", binary], check=True, capture_output=True, text=True).stdout
    result = []
    for line in out.splitlines():
        m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+\S+\s+(\S*)", line)
        if m and "A" in m[5]:
            result.append((int(m[3], 16), int(m[4], 16), m[1]))
    return result


def module_of(symbol):
    """A coarse owner for a symbol: the Swift module of a mangled name, ICU, SQLite, or the C name's prefix."""
    if symbol.startswith("icudt") or re.search(r"_7[0-9]$", symbol) or symbol.startswith("_ZN6icu_"):
        return "ICU"
    if symbol.startswith("sqlite3"):
        return "SQLite"
    m = re.match(r"^\$s(\d+)(\w+)", symbol)
    if m:
        n = int(m[1])
        return m[2][:n]
    m = re.match(r"^\$ss", symbol)
    if m:
        return "Swift"
    if symbol.startswith("_ZN"):
        return "C++"
    return "C:" + re.split(r"[_.]", symbol.lstrip("_") or "?")[0]


def main():
    args = sys.argv[1:]
    top = 25
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    pid = int(args[0])
    unstripped = args[1] if len(args) > 1 else None
    maps = mappings(pid)
    print("per file (Rss kB, of which anonymous kB, mapped kB):")
    for name, (rss, anon, size) in sorted(per_file(maps).items(), key=lambda kv: -kv[1][0]):
        if rss:
            print("  %8d %8d %10d  %s" % (rss, anon, size, name))

    exe = subprocess.run(["readlink", "-f", "/proc/%d/exe" % pid], capture_output=True, text=True).stdout.strip()
    offsets = []
    for start, end, perms, offset, path, fields in maps:
        if path == exe:
            offsets += [offset + page - start for page in resident(pid, start, end)]
    if not offsets:
        return
    secs = sections(exe)
    by_section = collections.Counter()
    for off in offsets:
        name = next((n for o, s, n in secs if o <= off < o + max(s, 1)), "(between sections)")
        by_section[name] += 1
    print("executable %s: %d resident pages (%d kB), by section:" % (exe, len(offsets), len(offsets) * 4))
    for name, count in by_section.most_common(top):
        print("  %8d kB  %s" % (count * 4, name))
    if not unstripped:
        return
    # Symbols by file offset: nm gives addresses; the program headers map addresses to offsets.
    phdrs = subprocess.run(["readelf", "-lW", unstripped], check=True, capture_output=True, text=True).stdout
    loads = [(int(m[2], 16), int(m[1], 16), int(m[3], 16)) for m in
             re.finditer(r"LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)", phdrs)]
    nm = subprocess.run(["nm", "-n", "--defined-only", unstripped], check=True, capture_output=True,
                        text=True).stdout
    symbols = []
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3:
            addr = int(parts[0], 16)
            for vaddr, foff, fsize in loads:
                if vaddr <= addr < vaddr + fsize:
                    symbols.append((addr - vaddr + foff, parts[2]))
                    break
    symbols.sort()
    import bisect
    keys = [s[0] for s in symbols]
    by_module = collections.Counter()
    for off in offsets:
        # A page counts once, for the owner of the most symbols starting in it (or the one it continues).
        lo = bisect.bisect_right(keys, off) - 1
        hi = bisect.bisect_left(keys, off + PAGE)
        owners = collections.Counter(module_of(symbols[i][1]) for i in range(max(lo, 0), max(hi, lo + 1)))
        by_module[owners.most_common(1)[0][0] if owners else "(none)"] += 1
    print("resident pages of the executable by owner (from the unstripped build's symbols):")
    for name, count in by_module.most_common(top):
        print("  %8d kB  %s" % (count * 4, name))


if __name__ == "__main__":
    main()
