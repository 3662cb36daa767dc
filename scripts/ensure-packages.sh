#!/usr/bin/env bash
# What the tests need from the system besides PostgreSQL: Redis (the shared page cache),
# headless Chromium and its driver (the editor's browser tests). Installed from the
# system's packages when we can (as root, with apt). Without Redis the suite cannot run;
# without Chromium the browser tests skip.
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
