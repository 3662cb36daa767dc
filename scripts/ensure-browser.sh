#!/usr/bin/env bash
# The editor's browser tests need headless Chromium and its driver. Install them from
# the system's packages when we can (as root, with apt); otherwise those tests skip.
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing chromium and chromium-driver for the browser tests"
  if timeout 600 apt-get install -y -q chromium chromium-driver >/tmp/newsroom-apt.log 2>&1 \
    || { timeout 300 apt-get update -q >/dev/null 2>&1 && timeout 600 apt-get install -y -q chromium chromium-driver >/tmp/newsroom-apt.log 2>&1; }; then
    exit 0
  fi
  echo "Could not install Chromium (see /tmp/newsroom-apt.log): the browser tests will be skipped." >&2
else
  echo "Chromium or chromedriver missing: the browser tests will be skipped." >&2
fi
exit 0
