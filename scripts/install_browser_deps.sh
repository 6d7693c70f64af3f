#!/bin/sh
# Installs Debian's chromium and the Noto fonts the browser tests need, unless they are already there.
# Never `playwright install`: it downloads its own browser, which this project must not depend on.
set -eu
have_fonts() { fc-list 2>/dev/null | grep -q "Noto Sans CJK" && fc-list 2>/dev/null | grep -q "NotoSans-Regular"; }
if [ -x /usr/bin/chromium ] && have_fonts; then
    exit 0
fi
if [ "$(id -u)" = "0" ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install_browser_deps: not root and no sudo; install chromium fonts-noto-core fonts-noto-cjk" \
         "yourself, or the browser tests will be skipped (they fail under CI)." >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-core fonts-noto-cjk fontconfig
