#!/usr/bin/env bash
# Installs what Tessera needs, only what is missing: Debian packages (as root), a virtualenv with
# the pinned Python packages, Chart.js from the npm registry, compiled translation catalogs.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

DEBIAN_PACKAGES=(redis-server wkhtmltopdf fonts-noto-core chromium poppler-utils gettext)
[ "${TESSERA_WITH_POSTGRES:-0}" = 1 ] && DEBIAN_PACKAGES+=(postgresql)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

stamp="$VENV/.tessera-installed"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  "$VENV/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true
  "$VENV/bin/pip" install -q -e ".[test]"
  touch "$stamp"
fi

if [ -f package.json ] && [ ! -d node_modules ] && command -v npm >/dev/null; then
  npm install --silent --no-audit --no-fund >/dev/null
fi

# Compiled catalogs are build output, not sources.
"$VENV/bin/pybabel" -q compile -d translations --use-fuzzy 2>/dev/null || \
  "$VENV/bin/pybabel" compile -d translations --use-fuzzy
