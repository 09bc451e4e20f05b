#!/bin/sh
# How each node of the compose cluster starts (docker-compose.yml, the `cluster` profile). nats-server
# takes a password variable that is set but empty, and `${VAR:-}` in compose sets every one it is not
# given: that role's user (admin included) would open with an empty password. So a node refuses to
# start unless every role's password is given, and says which are missing.
missing=""
for role in GAME_SERVER PROJECTOR DETECTOR WEB ARCHIVER ADMIN; do
  eval "value=\${NATS_${role}_PASSWORD:-}"
  [ -n "$value" ] || missing="$missing NATS_${role}_PASSWORD"
done
if [ -n "$missing" ]; then
  echo "nats: refusing to start without a password for every role: set$missing in .env (docs/operations.md)" >&2
  exit 1
fi
exec nats-server "$@"
