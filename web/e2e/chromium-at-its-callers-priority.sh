#!/bin/sh
# Chromium as the browser tests start it (chromium.mjs). Run as root it raises its main and IO threads
# to nice -8, above everything else on the machine: under `dev.py test` that put the browser tests of
# the yielding lane (nice 10) ahead of the lane whose tests are timed. Without CAP_SYS_NICE it keeps
# the priority of whoever started it. Elsewhere (not root, or no setpriv) it is started as it is.
CHROMIUM_BINARY="${CHROMIUM:-/usr/bin/chromium}"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  exec setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice "$CHROMIUM_BINARY" "$@"
fi
exec "$CHROMIUM_BINARY" "$@"
