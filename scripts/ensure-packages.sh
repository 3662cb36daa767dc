#!/usr/bin/env bash
# What the tests need besides PostgreSQL: Redis (the shared page cache), headless Chromium and
# its driver (the browser tests), installed from the system's packages when we can (as root,
# with apt), and axe-core (the accessibility checks) from npm. Without Redis the suite cannot
# run; without Chromium, or axe-core, those tests skip and say why.
cd "$(dirname "$0")/.." || exit 1

# axe-core (the accessibility checker the browser tests run in the pages), from npm, into var/
# (outside git, like the rest of what `make` builds): pinned, installed once per version.
AXE_CORE_VERSION=4.14.1
AXE_DIR=var/node
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ] \
  || ! grep -q "\"version\": \"$AXE_CORE_VERSION\"" "$AXE_DIR/node_modules/axe-core/package.json" 2>/dev/null; then
  if command -v npm >/dev/null 2>&1; then
    echo "== installing axe-core $AXE_CORE_VERSION into $AXE_DIR"
    mkdir -p "$AXE_DIR"
    timeout 300 npm install --prefix "$AXE_DIR" --no-save --no-audit --no-fund --silent "axe-core@$AXE_CORE_VERSION" \
      || echo "Could not install axe-core: the accessibility tests will be skipped." >&2
  else
    echo "npm is missing: axe-core cannot be installed, the accessibility tests will be skipped." >&2
  fi
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
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
