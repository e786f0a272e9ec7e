#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests of bpmnrun serve and
# prints its DSN on stdout (everything else goes to stderr):
#
#   export BPMNRUN_TEST_POSTGRES=$(scripts/postgres.sh)
#
# Installs Debian's postgresql package when no server is found (apt-get
# update first), initializes a cluster in $BPMNRUN_PG_DIR (default
# /tmp/bpmnrun-pg) as the postgres user, and starts it on 127.0.0.1 only,
# port $BPMNRUN_PG_PORT (default 55432), socket in /tmp. Idempotent: a
# cluster already running there is reused. Stop it with
#   runuser -u postgres -- pg_ctl -D /tmp/bpmnrun-pg/data stop
set -euo pipefail

port=${BPMNRUN_PG_PORT:-55432}
dir=${BPMNRUN_PG_DIR:-/tmp/bpmnrun-pg}
log() { printf 'postgres.sh: %s\n' "$*" >&2; }

find_bin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [[ -x $d/pg_ctl && -x $d/initdb ]]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

if ! bin=$(find_bin); then
	log "installing PostgreSQL (Debian package postgresql)"
	if [[ $(id -u) != 0 ]]; then
		log "not root: cannot apt-get install postgresql"
		exit 1
	fi
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
	bin=$(find_bin) || { log "postgresql installed but no pg_ctl found"; exit 1; }
fi

as_pg() {
	if [[ $(id -un) == postgres ]]; then
		"$@"
	elif command -v runuser >/dev/null; then
		runuser -u postgres -- "$@"
	else
		su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
	fi
}

data=$dir/data
if ! as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
	mkdir -p "$dir"
	chown postgres: "$dir" 2>/dev/null || true
	if [[ ! -f $data/PG_VERSION ]]; then
		log "initdb $data"
		as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
	fi
	log "starting PostgreSQL on 127.0.0.1:$port"
	as_pg "$bin/pg_ctl" -D "$data" -l "$dir/log" -w -t 60 \
		-o "-k /tmp -p $port -h 127.0.0.1 -c max_connections=200" start >/dev/null
fi
echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
