#!/bin/sh
# Installs Debian's haproxy, which tests/test_deploy.py and tests/browser/test_proxy.py run
# (`haproxy -c` on deploy/haproxy.cfg, and the proxy in front of real replicas), unless it is there.
set -eu
if [ -x /usr/sbin/haproxy ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install_proxy_deps: not root and no sudo; install haproxy yourself, or the proxy tests" \
         "will be skipped (they fail under CI)." >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends haproxy
# Debian's package enables a system service with an empty configuration; the tests start their own.
