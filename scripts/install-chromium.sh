#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of report/ (the HTML
# report rendered headless: DOM, console and screenshot checked).
# Idempotent: does nothing when /usr/bin/chromium exists. Needs root (or
# sudo) and Debian's package archive. When it fails the browser test skips
# with a message, so .ci/run tolerates a failure of this script.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
	echo "chromium present: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
	exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "install-chromium: not root and no sudo" >&2
		exit 1
	fi
	sudo=(sudo -n)
fi

export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
# fonts-liberation: metric-compatible with Arial/Helvetica, named by the SVGs
"${sudo[@]}" apt-get install -y chromium fonts-liberation
echo "chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
