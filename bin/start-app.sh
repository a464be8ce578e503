#!/bin/sh
# Starts one compiled app ($APP: standalone, gateway, timer, executor, projector, relay, workflow) with the young generation
# that suits it (npm start, npm run start:app and the Docker image all start apps through here).
# 64 MiB semi-spaces: under load the objects of in-flight executions then rarely survive a scavenge (GC ~21% -> ~16%
# of the standalone's CPU over 20k no-op executions). The executor alone keeps V8's default (16 MiB): its live set
# is small, and with 64 MiB each scavenge copied the ~3 MB that outlived the last one, 8-18 ms pauses every ~0.8 s
# at 1k fires/s that started attempts late; with 16 MiB, 4-6 ms pauses, half the starts over 10 ms late and the same
# throughput (README, Benchmarks). SEMI_SPACE_MB overrides either.
set -e
case "$APP" in
  '') echo "start-app: set APP (standalone, gateway, timer, executor, projector, relay, workflow)" >&2; exit 2 ;;
  executor) semi_space_mb=16 ;;
  standalone|gateway|timer|projector|relay|workflow) semi_space_mb=64 ;;
  *) echo "start-app: APP must be one of standalone, gateway, timer, executor, projector, relay, workflow (got \"$APP\")" >&2; exit 2 ;;
esac
exec node --max-semi-space-size="${SEMI_SPACE_MB:-$semi_space_mb}" "dist/apps/$APP/src/main.js"
