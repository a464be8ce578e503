// Executions and executors. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './execution-cancel.e2e';
import './execution-pause.e2e';
import './executor-attempts.e2e';
import './executor-backlog.e2e';
import './executor-shutdown.e2e';
import './orphaned-attempts.e2e';
import './standalone-executor-thread.e2e';
import './secrets.e2e';
import './failure-notices.e2e';
import './dispatch-consumer-deleted.e2e';
