#!/usr/bin/env bash
# Installs the built .deb as a demo laptop would, runs the CLI and the GUI from /usr/bin, and
# removes the package again. Root (or sudo) on Debian 12; the build must exist:
#   packaging/check_deb.sh [BUILD]    (default: build)
# Checks: Depends come from dpkg-shlibdeps (every linked library's package is declared), the
# binaries are stripped, `dragon --help` and a one-clip `dragon generate` work from /usr/bin with
# the model from /usr/share, and the GUI, started offscreen with a fresh HOME, copies the demo
# project out of /usr/share and opens it (a screenshot is saved to $OUT or /tmp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
out="${OUT:-/tmp}"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
command -v dpkg-shlibdeps >/dev/null || $sudo_cmd apt-get install -y -q dpkg-dev >/dev/null

(cd "$build" && rm -f dragon-studio_*.deb && cpack -G DEB >/dev/null)
deb="$(ls "$build"/dragon-studio_*.deb)"
echo "== $(basename "$deb"): $(du -h "$deb" | cut -f1), installs $(dpkg-deb -f "$deb" Installed-Size) KiB"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
fail=0
for lib in libxxhash0 libtorch1.13 libsndfile1 libportaudio2 libqcustomplot2.1-qt6 libopenblas0-pthread; do
  grep -q "$lib" <<<"$depends" || { echo "FAIL: $lib not declared"; fail=1; }
done

$sudo_cmd apt-get install -y -q "$deb" >/dev/null
trap '$sudo_cmd apt-get remove -y -q dragon-studio >/dev/null || true' EXIT
for exe in /usr/bin/dragon /usr/bin/dragon-studio; do
  if readelf -S "$exe" | grep -q '\.symtab\|\.debug_'; then echo "FAIL: $exe is not stripped"; fail=1; fi
done
/usr/bin/dragon --help >/dev/null && echo "dragon --help: ok"
tmp="$(mktemp -d)"
/usr/bin/dragon generate --out "$tmp/clips" --prompt "a slow ambient track in d minor with warm pad" \
  --count 1 --steps 4 >/dev/null
ls "$tmp"/clips/*.wav >/dev/null && echo "dragon generate from /usr/bin: ok ($(ls "$tmp"/clips/*.wav | wc -l) clip)"
HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" QT_QPA_PLATFORM=offscreen \
  timeout 120 /usr/bin/dragon-studio --screenshot "$out/installed-studio.png"
demo="$tmp/home/.local/share/DRAGON Studio/DRAGON Studio/demo/demo.dragon"
if [ -f "$demo" ] && [ -f "$out/installed-studio.png" ]; then
  echo "GUI from /usr/bin: opened the demo copied to $demo; screenshot $out/installed-studio.png"
else
  echo "FAIL: the GUI did not copy and open the demo ($demo)"; find "$tmp/home" | head; fail=1
fi
rm -rf "$tmp"
exit $fail
