#!/bin/sh
# Installs what tests/test_deploy.py, tests/browser/test_proxy.py and bench/load.py run, unless it is
# there: Debian's haproxy (`haproxy -c` on deploy/haproxy.cfg, and the proxy in front of real
# replicas), nginx (`nginx -t` on deploy/nginx-static.conf, and the static server behind the proxy)
# and openssl (the self-signed certificate of the HTTPS tests).
set -eu
missing=""
[ -x /usr/sbin/haproxy ] || missing="$missing haproxy"
[ -x /usr/sbin/nginx ] || missing="$missing nginx"
[ -x /usr/bin/openssl ] || missing="$missing openssl"
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install_proxy_deps: not root and no sudo; install$missing yourself, or the proxy tests" \
         "will be skipped (they fail under CI)." >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# Debian's packages start their system services on install (nginx on port 80 with its default site);
# the tests start their own, so services are kept from starting while installing, unless a
# policy-rc.d (as in containers) already decides.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=""
if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod 755 "$POLICY"
    ADDED_POLICY=1
fi
status=0
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends $missing || status=$?
if [ -n "$ADDED_POLICY" ]; then
    $SUDO rm -f "$POLICY"
fi
exit "$status"
