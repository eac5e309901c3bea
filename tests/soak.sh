#!/usr/bin/env bash
# The flake hunt: runs README's test command N times (default 5) on a clean clone of HEAD and
# prints which tests failed in which run. Exits 0 only when every run was green.
#
#   tests/soak.sh 5
#
# The tests that run on the real clock (the real app in tests/smoke.rs, kioskctl, the crash
# campaign) see a different hour in each run, through faketime, so a test whose verdict depends on
# the hour or the day fails here rather than on some morning in CI:
#   run 1  the real clock
#   run 2  07:30 London today (before the AM late time)
#   run 3  23:59:30 London today (the school day ends during the run)
#   run 4  08:00 London on the coming Sunday
#   run 5  the real clock again; later runs go round the same list.
# Everything else runs on the real clock in every run (its tests set their own clocks).
set -uo pipefail

runs="${1:-5}"
source_repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/kiosk-soak.XXXXXX)"
git clone -q "$source_repo" "$work/clone"
cd "$work/clone" || exit 1
echo "soak: $runs runs of the test suite on a clean clone of $(git rev-parse --short HEAD) in $work/clone"
.ci/deps >"$work/deps.log" 2>&1 || { echo "soak: installing the dependencies failed: $work/deps.log"; exit 1; }

REAL_CLOCK_TESTS=(smoke kioskctl crash)
london() { TZ=UTC date -u -d "TZ=\"Europe/London\" $1" '+%Y-%m-%d %H:%M:%S'; }
clocks=("" "$(london '07:30 today')" "$(london '23:59:30 today')" "$(london '08:00 sunday')" "")

other_targets=(--lib --bins --examples --benches)
for file in tests/*.rs; do
  name="$(basename "$file" .rs)"
  [[ " ${REAL_CLOCK_TESTS[*]} " == *" $name "* ]] || other_targets+=(--test "$name")
done
real_clock_targets=()
for name in "${REAL_CLOCK_TESTS[@]}"; do real_clock_targets+=(--test "$name"); done

# The real-clock test binaries, built (on the real clock) if need be.
real_clock_executables() {
  cargo test --workspace --no-run --message-format=json "${real_clock_targets[@]}" 2>/dev/null \
    | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["test"]:
        print(m["executable"])'
}

# Failed test names in a cargo or node --test log (a build that failed counts as one).
failures() {
  grep -E '^test .* \.\.\. FAILED$' "$1" | sed -E 's/^test (.*) \.\.\. FAILED$/\1/'
  grep -E '^(not ok [0-9]+ - |✖ )' "$1" | grep -v ' # SKIP' | sed -E 's/^(not ok [0-9]+ - |✖ )//; s/ \([0-9.]+ms\)$//'
  grep -qE '^error(\[E[0-9]+\])?: (could not compile|linking with)' "$1" && echo "(the build failed)"
  return 0
}

summary=()
all_green=1
for ((run = 1; run <= runs; run++)); do
  at="${clocks[$(((run - 1) % ${#clocks[@]}))]}"
  log="$work/run-$run.log"
  : >"$log"
  status=0
  if [ -z "$at" ]; then
    label="real clock"
    cargo test --workspace --all-targets --no-fail-fast >>"$log" 2>&1 || status=1
  else
    label="real-clock tests at $at UTC"
    cargo test --workspace --no-fail-fast "${other_targets[@]}" >>"$log" 2>&1 || status=1
    # The test binaries themselves run under faketime, not cargo: cargo would stamp its
    # fingerprints with the fake time and rebuild everything the next time round.
    for exe in $(real_clock_executables); do
      echo "     Running $(basename "$exe") under faketime $at UTC" >>"$log"
      TZ=UTC DONT_FAKE_MONOTONIC=1 faketime "$at" "$exe" >>"$log" 2>&1 || status=1
    done
  fi
  make --no-print-directory test-other-readings >>"$log" 2>&1 || status=1
  { cargo build -p reception-kiosk --example kiosk-ui-backend && npm ci --prefix tests/ui --no-audit --no-fund \
    && npm test --prefix tests/ui; } >>"$log" 2>&1 || status=1
  failed="$(failures "$log" | sort -u)"
  if [ "$status" -eq 0 ] && [ -z "$failed" ]; then
    line="run $run ($label): green"
  else
    all_green=0
    line="run $run ($label): FAILED ${failed:+- $(echo "$failed" | paste -sd ';' | sed 's/;/; /g')} (log: $log)"
  fi
  echo "soak: $line"
  summary+=("$line")
done

echo
echo "soak: summary"
printf '  %s\n' "${summary[@]}"
[ "$all_green" -eq 1 ]
