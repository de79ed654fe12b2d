#!/usr/bin/env bash
# One-command set-up for a fresh Debian 12 machine (see README.md):
#   packaging/bootstrap.sh run    install packages, build, launch the app on the demo project
#   packaging/bootstrap.sh test   install packages, build (warnings are errors), run every test
# Idempotent: packages already installed are not touched and the build is incremental.
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DRAGON_BUILD_DIR:-$root/build}"

packages=(
  build-essential cmake ninja-build pkgconf ccache clang clang-format clang-tidy git
  qt6-base-dev qt6-base-dev-tools libqcustomplot-dev libgl-dev
  libtorch-dev libgloo-dev libopenblas0-pthread python3-torch python3-numpy python3-scipy
  portaudio19-dev libsndfile1-dev libsoxr-dev libebur128-dev nlohmann-json3-dev libeigen3-dev libxxhash-dev zlib1g-dev
  xvfb xauth x11-apps imagemagick fonts-dejavu-core sox libsox-fmt-all
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${#missing[@]} Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

werror=OFF
if [ "$mode" = "test" ]; then
  werror=ON
  echo "== format check (.clang-format)"
  bash "$root/packaging/check_format.sh"
fi
echo "== configuring $build"
# Release at -O2 without debug information: debug info makes the torch-heavy files compile 40 %
# slower and the binaries 20x larger. For a debugger, configure by hand with RelWithDebInfo.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DDRAGON_WERROR=$werror >/dev/null
echo "== building"
cmake --build "$build" --parallel "$(nproc)"

case "$mode" in
  run)
    demo="$build/demo/demo.dragon"
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      echo "== no display: running under Xvfb (set DISPLAY to use your own screen)"
      exec xvfb-run -a -s "-screen 0 1280x800x24" "$build/app/dragon-studio" "$demo"
    fi
    exec "$build/app/dragon-studio" "$demo"
    ;;
  test)
    # "bench" tests are measurements, not tests: run them with `ctest -L bench -V`. The tests
    # run two at a time on two cores: 157 s one at a time, 120 s so (2026-12-06).
    (cd "$build" && ctest -LE bench --output-on-failure --timeout 600 -j "$(nproc)")
    # The libFuzzer harnesses (tests/fuzz) live in a clang build tree of their own; each runs
    # 30 s on its checked-in seeds (label "fuzz"). Long runs: tests/fuzz/run_long.sh.
    fuzz="${DRAGON_FUZZ_BUILD_DIR:-$root/build-fuzz}"
    echo "== configuring $fuzz (clang, libFuzzer)"
    cmake -S "$root" -B "$fuzz" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE=-O1 \
      -DCMAKE_C_FLAGS_RELEASE=-O1 -DCMAKE_C_COMPILER=clang \
      -DCMAKE_CXX_COMPILER=clang++ -DDRAGON_BUILD_FUZZERS=ON -DDRAGON_WERROR=$werror >/dev/null
    cmake --build "$fuzz" --parallel "$(nproc)"
    cd "$fuzz"
    exec ctest -L fuzz --output-on-failure --timeout 600 -j "$(nproc)"
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
