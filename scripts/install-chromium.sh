#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of report/ (the HTML
# report rendered headless, screenshot and DOM checked). Idempotent: does
# nothing when /usr/bin/chromium exists. Needs root (or sudo) and Debian's
# package archive; when the install fails, the browser test skips with a
# message instead of failing, so callers may ignore this script's status.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
	echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
	exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-chromium: not root and no sudo; skipping" >&2
		exit 1
	fi
	sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends chromium fonts-dejavu-core
echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo installed)"
