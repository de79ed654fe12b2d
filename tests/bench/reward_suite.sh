#!/usr/bin/env bash
# The 20-reward suite (issue 14): installs the two soundtrack packages its real-music sets come
# from when they are missing, then runs `dragon bench rewards` (resumable: run it again after an
# interruption and finished rewards are skipped). Progress goes to stdout and DIR/progress.log.
#   tests/bench/reward_suite.sh BUILD_DIR OUT_DIR [bench options, e.g. --rounds 40]
# Unattended:  nohup tests/bench/reward_suite.sh build suite > /dev/null 2>&1 &
set -euo pipefail
build="${1:?usage: reward_suite.sh BUILD_DIR OUT_DIR [options]}"
out="${2:?usage: reward_suite.sh BUILD_DIR OUT_DIR [options]}"
shift 2
missing=()
for p in drascula-music asc-music; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
mkdir -p "$out"
"$build/app/dragon" bench rewards --out "$out" "$@" 2>&1 | tee -a "$out/progress.log"
