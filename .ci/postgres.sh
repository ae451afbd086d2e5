# Sourced by .ci/run: a throwaway PostgreSQL cluster on loopback for the store suite, run as an
# unprivileged user, stopped (and its folder removed) when the caller exits. Exports NHISCAN_TEST_PG_URL.
pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
if [ -z "$pg_bin" ] && ! command -v initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
fi
[ -n "$pg_bin" ] && PATH="$pg_bin:$PATH"
command -v initdb >/dev/null 2>&1 || { echo "PostgreSQL (initdb) is still missing after apt-get install postgresql" >&2; exit 1; }

pg_user="$(id -un)"
pg_dir="$(mktemp -d /tmp/nhiscan-pg.XXXXXX)"
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  # initdb refuses root: the cluster belongs to an unprivileged user.
  pg_user=nobody
  chown "$pg_user" "$pg_dir"
  as_pg() { su -s /bin/sh "$pg_user" -c "$(printf '%q ' "$@")"; }
fi
pg_port="${NHISCAN_PG_PORT:-$((20000 + RANDOM % 20000))}"
as_pg env PATH="$PATH" initdb -D "$pg_dir/data" -U nhiscan --auth=trust -E UTF8 --locale=C >/dev/null
as_pg env PATH="$PATH" pg_ctl -D "$pg_dir/data" -l "$pg_dir/log" -w -o "-k $pg_dir -h 127.0.0.1 -p $pg_port" start >/dev/null
stop_pg() {
  as_pg env PATH="$PATH" pg_ctl -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_pg EXIT
export NHISCAN_TEST_PG_URL="postgresql://nhiscan@127.0.0.1:$pg_port/postgres"
