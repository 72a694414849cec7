#!/usr/bin/env bash
# Builds the Python the corpus examples run on: a minimal Debian trixie root (CPython 3.13) with a
# virtual environment holding the pinned libraries of requirements.txt. The machine's own Python
# may be older than the versions the corpus teaches, and a root of its own keeps the pins from
# touching the machine. Runs once; later calls only compare the stamp and print the root.
# Needs root (debootstrap, chroot), Debian's debootstrap package, and the Debian and PyPI
# registries. Prints the root's path on stdout; everything else goes to stderr.
# DAILYDRILL_EXAMPLES_ROOT: where to build it (default: target/python-examples).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${DAILYDRILL_EXAMPLES_ROOT:-$here/../../target/python-examples}"
mkdir -p "$(dirname "$root")"
root="$(cd "$(dirname "$root")" && pwd)/$(basename "$root")"
stamp="$root/opt/examples/requirements.txt"

if [ -f "$stamp" ] && cmp -s "$stamp" "$here/requirements.txt"; then
  echo "$root"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: building the examples' Python needs root (debootstrap and chroot); run: sudo $0" >&2
  exit 1
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "setup.sh: needs Debian's debootstrap: apt-get install debootstrap" >&2
  exit 1
fi
if [ ! -x "$root/usr/bin/python3" ]; then
  echo "setup.sh: building a Debian trixie root with CPython 3.13 in $root" >&2
  rm -rf "$root"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    trixie "$root" http://deb.debian.org/debian >&2
fi
# Name resolution and the machine's trust store (it may hold a proxy's authority) for pip.
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
rm -rf "$root/opt/examples"
chroot "$root" /usr/bin/python3 -m venv /opt/examples
cp "$here/requirements.txt" "$root/tmp/requirements.txt"
chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root \
  PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 \
  ${HTTPS_PROXY:+HTTPS_PROXY="$HTTPS_PROXY"} ${https_proxy:+https_proxy="$https_proxy"} \
  /opt/examples/bin/pip install --quiet --no-cache-dir -r /tmp/requirements.txt >&2
cp "$here/requirements.txt" "$stamp"
echo "$root"
