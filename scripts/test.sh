#!/usr/bin/env bash
# Build and test sockport the way CI does: presets host, host-asan, host-clang, fuzz and
# host-wolfssl (the TLS layer with its second backend), each
# configured, built and run through CTest, going on past failures; then a
# per-port summary of the shared suite, the reason for every skip, and one
# last line
#   "N passed, N failed[, N skipped]"
# which counts checks: every CTest test, except that a shared-suite binary
# (suite_posix, suite_lwip, qemu.suite_lwip_qemu) counts as its CMocka cases,
# one each (a configure or build failure counts as one failed check). The line
# before it says how many of each. Exit status: 0 only if nothing failed.
#
#   bash scripts/test.sh [--no-setup] [PRESET...]      (default presets: host host-asan host-clang fuzz host-wolfssl)
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

run_setup=1
presets=()
for arg in "$@"; do
    case "$arg" in
    --no-setup) run_setup=0 ;;
    -h | --help)
        sed -n '2,9p' "$0"
        exit 0
        ;;
    *) presets+=("$arg") ;;
    esac
done
[ "${#presets[@]}" -eq 0 ] && presets=(host host-asan host-clang fuzz host-wolfssl)

# Two cores are the norm on CI machines; more jobs only make the tests race.
jobs="${SOCKPORT_JOBS:-2}"
log_dir="$root/build/test-logs"
mkdir -p "$log_dir"

total_passed=0
total_failed=0
total_skipped=0
total_tests=0
total_suites=0
total_cases=0
problems=()

stamp() { date +%s; }
section() { printf '\n==== %s\n' "$*"; }

if [ "$run_setup" -eq 1 ]; then
    section "setup"
    if ! bash "$root/scripts/setup.sh" </dev/null; then
        echo "setup failed: cannot build or test" >&2
        echo "0 passed, 1 failed"
        exit 1
    fi
fi

# Totals of one preset's CTest run, from its JUnit report:
# prints "tests failures skipped".
junit_counts() {
    local report="$1" header attr tests failures skipped disabled
    if [ ! -s "$report" ]; then
        echo "0 0 0"
        return
    fi
    # The <testsuite ...> element, whose attributes CTest spreads over lines.
    header="$(tr '\n\t' '  ' <"$report" | grep -o '<testsuite [^>]*>' | head -n 1)"
    for attr in tests failures skipped disabled; do
        printf -v "$attr" '%s' "$(printf '%s' "$header" | grep -o " $attr=\"[0-9]*\"" | tr -dc '0-9')"
    done
    echo "${tests:-0} ${failures:-0} $((${skipped:-0} + ${disabled:-0}))"
}

# Each shared-suite binary prints "sockport-suite <port>: R ran, P passed,
# F failed, S skipped". Prints "passed failed skipped suites cases": how the
# preset's totals change when each such CTest test is replaced by its cases.
# A suite that CTest failed with no failed case (a crash after the summary, a
# sanitizer report) stays one failure.
suite_case_adjustment() {
    local test_log="$1"
    if [ ! -f "$test_log" ]; then
        echo "0 0 0 0 0"
        return
    fi
    awk '
        function flush() {
            if (has_suite) {
                dp += p - (outcome == "passed"); df += f - (outcome == "failed")
                ds += s - (outcome == "skipped")
                if (outcome == "failed" && f == 0) df++
                suites++; cases += p + f + s
            }
            has_suite = 0; p = f = s = 0; outcome = ""
        }
        / Testing: / { flush(); next }
        /^[[:space:]]*sockport-suite [^:]+: [0-9]+ ran, [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped/ {
            line = $0; sub(/^[^:]*: /, "", line); split(line, n, /[^0-9]+/)
            p += n[2]; f += n[3]; s += n[4]; has_suite = 1; next
        }
        /^Test Passed\./ { outcome = "passed" }
        /^Test Failed\./ { outcome = "failed" }
        /^Test (Skipped|Not Run)/ { outcome = "skipped" }
        END { flush(); printf "%d %d %d %d %d\n", dp, df, ds, suites, cases }
    ' "$test_log"
}

# What the shared suite printed about each port, and why cases were skipped.
suite_summary() {
    local preset="$1" test_log="$2"
    [ -f "$test_log" ] || return 0
    local lines reasons
    # Anchored: the suite prints both at the start of a line, while CTest's log
    # also holds each test's command line.
    # A preset that ran no suite binary (fuzz) has nothing to summarise.
    grep -qE 'Testing: (qemu\.)?suite_' "$test_log" || return 0
    lines="$(grep -Eo '^[[:space:]]*sockport-suite [^:]+: [0-9]+ ran, [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$test_log" | sed 's/^[[:space:]]*//' || true)"
    if [ -n "$lines" ]; then
        printf '%s\n' "$lines" | sed "s/^/  [$preset] /"
    else
        echo "  [$preset] no 'sockport-suite' summary lines in the test output"
    fi
    # "<count> <test>: <reason>", the test taken from CTest's "n/m Testing: <test>".
    # A test skipped as a whole (its skip exit status; the JUnit report says
    # "notrun", CTest's log does not say) without a "SKIP reason:" line gives
    # the last line it printed instead.
    local skipped_tests
    skipped_tests="$(tr '\n' ' ' <"$root/build/$preset/junit.xml" 2>/dev/null |
        grep -o '<testcase name="[^"]*"[^>]*status="notrun"' | sed 's/<testcase name="\([^"]*\)".*/\1/' |
        tr '\n' ' ' || true)"
    reasons="$(awk -v skipped_tests=" $skipped_tests " '
        function flush() {
            if (index(skipped_tests, " " test " ") && !has_reason && test != "")
                print test ": " last
            has_reason = 0; last = ""
        }
        / Testing: / { flush(); test = $NF; next }
        /^[[:space:]]*SKIP reason:/ {
            sub(/^[[:space:]]*SKIP reason:[[:space:]]*/, "")
            print test ": " $0
            has_reason = 1
            next
        }
        /^<end of output>/ { in_output = 0; next }
        /^Output:/ { in_output = 1; getline; next }
        in_output && NF > 0 { last = $0 }
        END { flush() }' "$test_log" | sort | uniq -c | sort -rn || true)"
    if [ -n "$reasons" ]; then
        echo "  [$preset] skip reasons (count, reason):"
        printf '%s\n' "$reasons" | sed 's/^/      /'
    fi
}

run_preset() {
    local preset="$1" build_dir="$root/build/$1" start counts tests failures skipped
    local step_log="$log_dir/$preset"
    start="$(stamp)"

    section "$preset: configure"
    if ! cmake --preset "$preset" >"$step_log.configure.log" 2>&1; then
        tail -n 40 "$step_log.configure.log"
        problems+=("$preset: configure failed (log: $step_log.configure.log)")
        total_failed=$((total_failed + 1))
        return
    fi
    grep -E '^CMake Warning|^-- (examples|sockport)' "$step_log.configure.log" || true

    section "$preset: build"
    if ! cmake --build --preset "$preset" -j "$jobs" >"$step_log.build.log" 2>&1; then
        grep -E 'error|Error' "$step_log.build.log" | head -n 40
        problems+=("$preset: build failed (log: $step_log.build.log)")
        total_failed=$((total_failed + 1))
        return
    fi
    echo "built in $(($(stamp) - start)) s"

    section "$preset: ctest"
    rm -f "$build_dir/junit.xml"
    # --timeout only bounds tests that set no TIMEOUT of their own.
    if ! ctest --preset "$preset" -j "$jobs" --timeout 300 --output-junit "$build_dir/junit.xml" \
        2>&1 | tee "$step_log.ctest.log" | grep -Ev '^ *[0-9]+/[0-9]+ Test +#[0-9]+: .* Passed'; then
        : # a pipeline with nothing left after grep is not a failure
    fi
    counts="$(junit_counts "$build_dir/junit.xml")"
    read -r tests failures skipped <<<"$counts"
    if [ "$tests" -eq 0 ]; then
        problems+=("$preset: ctest ran no tests")
        total_failed=$((total_failed + 1))
    else
        local adjust d_passed d_failed d_skipped suites cases
        adjust="$(suite_case_adjustment "$build_dir/Testing/Temporary/LastTest.log")"
        read -r d_passed d_failed d_skipped suites cases <<<"$adjust"
        total_passed=$((total_passed + tests - failures - skipped + d_passed))
        total_failed=$((total_failed + failures + d_failed))
        total_skipped=$((total_skipped + skipped + d_skipped))
        total_tests=$((total_tests + tests))
        total_suites=$((total_suites + suites))
        total_cases=$((total_cases + cases))
        if [ "$failures" -gt 0 ]; then
            problems+=("$preset: $failures of $tests tests failed")
        fi
    fi
    echo "$preset: $tests tests, $failures failed, $skipped skipped, $(($(stamp) - start)) s in all"
}

overall_start="$(stamp)"
for preset in "${presets[@]}"; do
    run_preset "$preset"
done

section "summary per port (shared suite)"
for preset in "${presets[@]}"; do
    suite_summary "$preset" "$root/build/$preset/Testing/Temporary/LastTest.log"
done

if [ "${#problems[@]}" -gt 0 ]; then
    section "problems"
    printf '  %s\n' "${problems[@]}"
fi
echo
echo "total time $(($(stamp) - overall_start)) s"
echo "counted: $total_tests CTest tests over ${#presets[@]} presets, of which $total_suites" \
    "shared-suite binaries count as their $total_cases cases"
if [ "$total_skipped" -gt 0 ]; then
    echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
else
    echo "$total_passed passed, $total_failed failed"
fi
[ "$total_failed" -eq 0 ]
