// Schedules and the timer. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './timer-schedules.e2e';
import './interval-task-fires.e2e';
import './jitter-fire-order.e2e';
import './schedule-exclusions.e2e';
import './pause-until.e2e';
import './fire-ahead.e2e';
import './resume-while-down.e2e';
import './seed-parity-tasks.e2e';
import './retry-timers.e2e';
