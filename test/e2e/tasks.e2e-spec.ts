// Tasks: updates, triggers, limits and overlap. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './task-update-unset.e2e';
import './trigger-config-patch.e2e';
import './reserved-ids.e2e';
import './task-delete-pending.e2e';
import './task-concurrency-limit.e2e';
import './task-queue-backlog.e2e';
import './overlap-policies.e2e';
import './pause-on-failure.e2e';
