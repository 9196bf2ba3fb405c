# pg.sh: a throwaway PostgreSQL for the tests (sourced). No system service:
# initdb into a temporary directory as the postgres user that Debian's
# postgresql package makes (initdb refuses root), the server listening only
# on a unix socket in that directory, stopped by pg_stop (call it from the
# EXIT trap).
#   pg_start DIR: sets PG_URI (postgresql:///portdex?host=DIR&user=postgres),
#                 or returns 77 (with why on stderr) when PostgreSQL cannot
#                 run here, 1 when it fails
#   pg_stop:      pg_ctl stop -m fast, when pg_start started one
#   pg_sql SQL:   psql's unaligned, tuples-only answer (database portdex)
#   pg_newdb NAME: makes database NAME; its URI in PG_NEW
PG_DIR= PG_BIN= PG_URI= PG_NEW=

pg_start() {
	local dir=$1 bin
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || ! id postgres >/dev/null 2>&1; then
		echo "SKIP: no PostgreSQL (Debian's postgresql package: initdb and the postgres user)" >&2
		return 77
	fi
	if [ "$(id -u)" -ne 0 ] && [ "$(id -un)" != postgres ]; then
		echo "SKIP: PostgreSQL runs as the postgres user: needs root (runuser) or that user" >&2
		return 77
	fi
	as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
	mkdir -p "$dir" && chown postgres "$dir" && chmod 700 "$dir" || return 1
	# the tests' temporary directory must be reachable by the postgres user
	chmod o+x "$(dirname "$dir")" 2>/dev/null
	as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || {
		echo "initdb failed: $(tail -3 "$dir/initdb.log")" >&2
		return 1
	}
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-k $dir -c listen_addresses='' -c max_connections=40" start >/dev/null 2>&1 || {
		echo "pg_ctl start failed: $(tail -3 "$dir/server.log")" >&2
		return 1
	}
	PG_DIR=$dir PG_BIN=$bin
	as_pg "$bin/createdb" -h "$dir" -U postgres portdex || return 1
	PG_URI="postgresql:///portdex?host=$dir&user=postgres"
	return 0
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	if [ "$(id -un)" = postgres ]; then
		"$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
	else
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
	fi
	PG_DIR=
}

pg_sql() {
	as_pg "$PG_BIN/psql" -h "$PG_DIR" -U postgres -d portdex -XAtq -c "$1"
}

# pg_newdb NAME: a new, empty database; its URI in PG_NEW
pg_newdb() {
	as_pg "$PG_BIN/createdb" -h "$PG_DIR" -U postgres "$1" || return 1
	PG_NEW="postgresql:///$1?host=$PG_DIR&user=postgres"
}
