#!/bin/sh
# Print the path of a Python >= 3.12 (Django 6.1's minimum), or explain and fail.
# $PYTHON, when set, is the only candidate considered.
check() {
  "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}
if [ -n "${PYTHON:-}" ]; then
  if check "$PYTHON"; then command -v "$PYTHON" || echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON is not a working Python 3.12 or newer with venv." >&2
  exit 1
fi
for candidate in python3.14 python3.13 python3.12 python3 python \
    "$(pyenv root 2>/dev/null)"/versions/3.1[2-9]*/bin/python \
    "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python \
    /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
  if check "$candidate"; then
    command -v "$candidate" 2>/dev/null || echo "$candidate"
    exit 0
  fi
done
echo "No Python 3.12 or newer found (Django 6.1 needs it)." >&2
echo "Install one (e.g. 'pyenv install 3.13' or your system's python3.13 package)," >&2
echo "or point to it: make run PYTHON=/path/to/python3.13" >&2
exit 1
