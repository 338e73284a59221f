#!/bin/sh
# `pnpm start:prod`: the compiled service as production runs it (docs/architecture.md "Production build").
#
# 1. The release step: pending migrations are applied by a short-lived process of its own
#    (api/dist/db.js), so the service never loads the schema engine (WebAssembly that would
#    stay resident). In production the service itself only checks, with plain SQL, that none
#    is pending (MIGRATE_ON_START is off there), and refuses to start otherwise.
# 2. The service, replacing this shell (exec: signals reach node directly), with
#    - MALLOC_ARENA_MAX=2: glibc would otherwise give threads (WebAssembly compilation, the
#      libuv pool) arenas of their own, tens of MB that are never returned;
#    - --no-wasm-tier-up: Prisma's query compiler (WebAssembly) stays at V8's baseline tier
#      instead of also keeping an optimised copy of its hot functions.
#    Both are measured in docs/benchmarks.md ("Memory"). Either can be overridden: MALLOC_ARENA_MAX
#    from the environment, more node flags through NODE_OPTIONS.
set -e
cd "$(dirname "$0")/.."
node dist/db.js migrate
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec node --no-wasm-tier-up dist/main.js
