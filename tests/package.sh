#!/usr/bin/env bash
# Builds the Debian package with Tauri's bundler, installs it on this machine and starts the
# installed kiosk under Xvfb: it must reach "kiosk window ready" on the demo school and exit 0 on
# SIGTERM. `make package-test` runs it; it is not part of `make test` (the build takes minutes).
# Needs root or sudo for the install; the package stays installed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

make package
deb=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb | head -n1)
echo "package: $deb"
dpkg-deb --info "$deb" | sed -n '/Package:/,$p'

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --reinstall "$(realpath "$deb")"

package=$(dpkg-deb -f "$deb" Package)
# What the desktop menu entry starts is what is checked.
desktop=$(dpkg -L "$package" | grep -m1 '\.desktop$')
bin=$(command -v "$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$desktop")") || { echo "$desktop starts nothing installed" >&2; exit 1; }
echo "installed: $desktop starts $bin"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/kiosk.log"
# The wrapper records the kiosk's pid, then becomes the kiosk, so SIGTERM reaches it and
# xvfb-run's exit status is the kiosk's.
RECEPTION_KIOSK_DATA_DIR="$work/data" RUST_LOG=info xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- bash -c 'echo $$ > "$0"; exec "$1"' "$work/pid" "$bin" 2>"$log" &
runner=$!
for _ in $(seq 1200); do
  grep -q "kiosk window ready" "$log" && break
  kill -0 "$runner" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q "kiosk window ready" "$log"; then
  echo "the installed kiosk did not open its window:" >&2
  cat "$log" >&2
  kill -KILL "$(cat "$work/pid")" 2>/dev/null || true
  exit 1
fi
kill -TERM "$(cat "$work/pid")"
status=0
wait "$runner" || status=$?
if [ "$status" -ne 0 ] || ! grep -q "kiosk stopped" "$log"; then
  echo "the installed kiosk did not stop cleanly on SIGTERM (exit $status):" >&2
  cat "$log" >&2
  exit 1
fi
echo "ok: $package $(dpkg-query -W -f='${Version}' "$package") installed; $bin opened its window and exited 0 on SIGTERM"
