#!/usr/bin/env bash
# What the tests need besides PostgreSQL: Redis (the shared page cache), headless Chromium and
# its driver (the browser tests), installed from the system's packages when we can (as root,
# with apt), and axe-core (the accessibility checks) from npm. Without Redis the suite cannot
# run; without Chromium, or axe-core, those tests skip and say why.
cd "$(dirname "$0")/.." || exit 1

# From npm, into var/ (outside git, like the rest of what `make` builds), pinned, installed once per
# version: axe-core (the accessibility checker the browser tests run in the pages) and vnu-jar (the
# Nu HTML Checker the validity tests run on the pages, with Java). Installed together: npm would
# drop a package it was not asked for again.
AXE_CORE_VERSION=4.14.1
VNU_JAR_VERSION=26.9.27
NODE_DIR=var/node
installed() {  # package version
  grep -q "\"version\": \"$2\"" "$NODE_DIR/node_modules/$1/package.json" 2>/dev/null
}
if ! installed axe-core "$AXE_CORE_VERSION" || ! installed vnu-jar "$VNU_JAR_VERSION"; then
  if command -v npm >/dev/null 2>&1; then
    echo "== installing axe-core $AXE_CORE_VERSION and vnu-jar $VNU_JAR_VERSION into $NODE_DIR"
    mkdir -p "$NODE_DIR"
    timeout 300 npm install --prefix "$NODE_DIR" --no-save --no-audit --no-fund --silent \
      "axe-core@$AXE_CORE_VERSION" "vnu-jar@$VNU_JAR_VERSION" \
      || echo "Could not install axe-core and vnu-jar: the accessibility and HTML checks will be skipped." >&2
  else
    echo "npm is missing: axe-core and vnu-jar cannot be installed, their checks will be skipped." >&2
  fi
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)  # runs the Nu HTML Checker
# Varnish and its xkey module (tag purges): the tests of deploy/varnish/ and of `make cluster`.
command -v varnishd >/dev/null 2>&1 || missing+=(varnish)
ls /usr/lib/*/varnish/vmods/libvmod_xkey.so >/dev/null 2>&1 || missing+=(varnish-modules)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)  # make bench-cluster's load
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing ${missing[*]}"
  if timeout 600 apt-get install -y -q "${missing[@]}" >/tmp/newsroom-apt.log 2>&1 \
    || { timeout 300 apt-get update -q >/dev/null 2>&1 && timeout 600 apt-get install -y -q "${missing[@]}" >/tmp/newsroom-apt.log 2>&1; }; then
    exit 0
  fi
  echo "Could not install ${missing[*]} (see /tmp/newsroom-apt.log)." >&2
else
  echo "Missing system packages: ${missing[*]} (install them with your package manager)." >&2
fi
command -v redis-server >/dev/null 2>&1 || { echo "redis-server is required by the tests." >&2; exit 1; }
echo "Chromium or chromedriver missing: the browser tests will be skipped." >&2
exit 0
