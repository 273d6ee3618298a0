#!/usr/bin/env python3
"""Records and reports scripts/fuzz runs.

Usage: fuzz_report.py record FUZZER SECONDS START_EPOCH LOG CORPUS_DIR ARTIFACT_PREFIX COMMAND   (JSON on stdout)
       fuzz_report.py line RESULT_JSON                      (one summary line)
       fuzz_report.py write RESULTS_DIR docs/fuzzing.md     (the table of the last run of every fuzzer)

The figures come from libFuzzer's own output: the -print_final_stats=1 block (stat::number_of_executed_units,
stat::average_exec_per_sec, stat::new_units_added, stat::peak_rss_mb) and the last status line
(`#N ... cov: C ft: F corp: U/S`). `write` replaces what lies between the two markers in the document, so that
the hand-written text around the table stays.
"""

import datetime
import glob
import json
import os
import platform
import re
import subprocess
import sys

BEGIN = "<!-- scripts/fuzz --report: begin (generated, do not edit) -->"
END = "<!-- scripts/fuzz --report: end -->"


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True, timeout=60).stdout
        swift = swift.strip().splitlines()[0] if swift.strip() else "swift ?"
    except (OSError, subprocess.SubprocessError):
        swift = "swift ?"
    return f"{platform.system()} {platform.release()} {platform.machine()}, {cpu}, {os.cpu_count()} cores{memory}; {swift}"


def finding_reason(log):
    """The first line that says why libFuzzer stopped (Swift trap message, sanitizer summary, timeout, OOM)."""
    patterns = [r"(Fatal error: .*)", r"(Precondition failed.*)", r"(Assertion failed.*)", r"(\S+: Assertion `.*' failed\.)",
                r"(SUMMARY: \w+Sanitizer: .*)", r"==\d+== ERROR: (libFuzzer: .*)", r"(ERROR: libFuzzer: .*)",
                r"(ALARM: .*)"]
    for pattern in patterns:
        match = re.search(pattern, log)
        if match:
            return match.group(1).strip()[:300]
    return None


def record(fuzzer, seconds, start, log_path, corpus, prefix, command):
    with open(log_path, encoding="utf-8", errors="replace") as f:
        log = f.read()

    def stat(name):
        match = re.search(r"stat::" + name + r":\s*(\d+)", log)
        return int(match.group(1)) if match else None

    done = re.search(r"^Done (\d+) runs in (\d+) second", log, re.M)
    status = None
    for match in re.finditer(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", log, re.M):
        status = match
    # -fork mode: the parent's lines `#N: cov: C ft: F corp: U exec/s: E oom/timeout/crash: O/T/C time: Ss`, and no
    # final stats block.
    forked = None
    for match in re.finditer(r"^#(\d+): cov: (\d+) ft: (\d+) corp: (\d+) exec/s: (\d+) "
                             r"oom/timeout/crash: (\d+)/(\d+)/(\d+) time: (\d+)s", log, re.M):
        forked = match
    files = [os.path.join(corpus, name) for name in os.listdir(corpus)] if os.path.isdir(corpus) else []
    artifacts = sorted(path for path in glob.glob(prefix + "*") if os.path.getmtime(path) >= start - 1)
    now = datetime.datetime.now(datetime.timezone.utc)
    result = {
        "fuzzer": fuzzer,
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "command": command,
        "machine": machine(),
        "seconds": int(seconds),
        "wall_seconds": int(now.timestamp() - start),
        # libFuzzer's own count when it ran to the end; the wall time when it stopped at a finding.
        "ran_seconds": int(done.group(2)) if done else int(forked.group(9)) if forked else int(now.timestamp() - start),
        # The machine is shared: the load at the end says how much of a core the fuzzer had.
        "load": round(os.getloadavg()[0], 1),
        "executions": stat("number_of_executed_units") or (int(forked.group(1)) if forked else None),
        "exec_per_second": stat("average_exec_per_sec") or (
            round(int(forked.group(1)) / max(1, int(forked.group(9)))) if forked else None),
        "new_units": stat("new_units_added"),
        "peak_rss_mb": stat("peak_rss_mb"),
        "coverage": int(status.group(2)) if status else int(forked.group(2)) if forked else None,
        "features": int(status.group(3)) if status else int(forked.group(3)) if forked else None,
        "corpus_files": len(files),
        "corpus_bytes": sum(os.path.getsize(path) for path in files),
        "findings": [os.path.basename(path) for path in artifacts],
        "reason": finding_reason(log) if artifacts else None,
    }
    json.dump(result, sys.stdout, indent=1)
    print()


def number(value):
    return "?" if value is None else f"{value:,}"


def size(value):
    return f"{value / 1024:.0f} KiB" if value >= 1024 else f"{value} B"


def line(path):
    with open(path, encoding="utf-8") as f:
        r = json.load(f)
    findings = f"{len(r['findings'])} FINDING(S): {r['reason']}" if r["findings"] else "no findings"
    print(f"{r['fuzzer']}: {r['ran_seconds']} s, {number(r['executions'])} executions ({number(r['exec_per_second'])}/s), "
          f"cov {number(r['coverage'])}, ft {number(r['features'])}, corpus {r['corpus_files']} files "
          f"({size(r['corpus_bytes'])}), peak RSS {number(r['peak_rss_mb'])} MB; {findings}")


def write(results_dir, document):
    results = []
    for path in sorted(glob.glob(os.path.join(results_dir, "*.json"))):
        with open(path, encoding="utf-8") as f:
            results.append(json.load(f))
    rows = ["| Fuzzer | Date | Seconds | Executions | Exec/s | Coverage (cov) | Features (ft) | Corpus | Peak RSS "
            "| Load | Findings |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        findings = "none"
        if r["findings"]:
            findings = f"{len(r['findings'])}: {r['reason'] or '?'}".replace("|", "\\|")
        rows.append(f"| {r['fuzzer']} | {r['date']} | {r['ran_seconds']} | {number(r['executions'])} | "
                    f"{number(r['exec_per_second'])} | {number(r['coverage'])} | {number(r['features'])} | "
                    f"{r['corpus_files']} files, {size(r['corpus_bytes'])} | {number(r['peak_rss_mb'])} MB | "
                    f"{r['load']} | {findings} |")
    machines = sorted({r["machine"] for r in results})
    commands = sorted({r["command"] for r in results})
    block = [BEGIN, "",
             "Machine: " + ("; ".join(machines) if machines else "no run recorded yet") + ".",
             "",
             "Commands: " + (", ".join(f"`{c}`" for c in commands) if commands else "none") + ".",
             "",
             "Seconds: how long libFuzzer ran (to the end, or to its first finding). Executions and exec/s: its final "
             "stats (with ASan and coverage instrumentation, so far below a release build's speed). Coverage and "
             "features: the last status line's `cov` (edges) and `ft` (libFuzzer's features). Corpus: "
             "`Fuzz/corpus-<target>/` after the run. Load: the 1-minute load average at the end (2 cores, shared "
             "with builds).",
             "", *rows, "", END]
    text = ""
    if os.path.exists(document):
        with open(document, encoding="utf-8") as f:
            text = f.read()
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + "\n".join(block) + tail
    else:
        text = "# Fuzzing\n\n## Last runs\n\n" + "\n".join(block) + "\n" + text
    with open(document, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "record" and len(sys.argv) == 9:
        record(sys.argv[2], sys.argv[3], float(sys.argv[4]), *sys.argv[5:9])
    elif command == "line" and len(sys.argv) == 3:
        line(sys.argv[2])
    elif command == "write" and len(sys.argv) == 4:
        write(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
