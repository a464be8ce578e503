// The log and the command contracts: audit, history, idempotency, bad input. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './audit-tamper.e2e';
import './bad-input.e2e';
import './fuzz-commands-and-queries.e2e';
import './idempotent-commands.e2e';
import './history-and-rebuild.e2e';
import './foreign-log-messages.e2e';
