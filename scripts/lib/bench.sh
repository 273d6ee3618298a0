# Sourced by the scripts/bench-* benchmarks: the summary line that scripts/bench-all collects.
#
# When BENCH_SUMMARY names a file, each benchmark appends one line per figure, tab-separated:
#   name  ours  peer  ratio  goal  met
# `peer`, `ratio` and `goal` are "-" where a figure has none; `met` is yes, no, or "-" for a figure without a goal.
# Without BENCH_SUMMARY nothing is written: each script still prints its own report.

# bench_summary NAME OURS PEER RATIO GOAL MET
bench_summary() {
    [ -n "${BENCH_SUMMARY:-}" ] || return 0
    [ $# -eq 6 ] || { echo "bench_summary: 6 fields expected, got $#: $*" >&2; return 1; }
    local IFS=$'\t'
    printf '%s\n' "$*" >>"$BENCH_SUMMARY"
}

# bench_yes_no CONDITION_AWK_EXPR VAR=VALUE...  — prints yes or no; e.g. bench_yes_no 'r >= 1.5' r=1.7
bench_yes_no() {
    local expr=$1
    shift
    local args=()
    local pair
    for pair in "$@"; do args+=(-v "$pair"); done
    awk "${args[@]}" "BEGIN { print (($expr) ? \"yes\" : \"no\") }"
}
