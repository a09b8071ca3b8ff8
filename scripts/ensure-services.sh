#!/usr/bin/env bash
# Makes sure the scale-out tests' services answer on loopback: PostgreSQL on 127.0.0.1:5432 and Redis on
# 127.0.0.1:6379. Each is started if installed but stopped, installed from Debian if absent. Never fails the
# build: without a server, the tests that need it skip and say why.
set -uo pipefail
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  if ! command -v redis-server >/dev/null; then
    echo "Installing Redis for the scale-out tests"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null \
      || { echo "could not install Redis; its tests will skip"; return 0; }
  fi
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0; sleep 0.25; done
  echo "Redis did not start; its tests will skip"
}
ensure_redis

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "Installing PostgreSQL for the scale-out tests"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null \
    || { echo "could not install PostgreSQL; its tests will skip"; exit 0; }
  conf=$(ls -d /etc/postgresql/*/main | head -n1)
  # trust local loopback connections for the test user, as on the project's machines
  echo "host all all 127.0.0.1/32 trust" | $SUDO tee -a "$conf/pg_hba.conf" >/dev/null
fi
version=$(ls /etc/postgresql | head -n1)
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
  || $SUDO pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 0.5; done
echo "PostgreSQL did not start; its tests will skip"
exit 0
