// Workflows. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './workflow-dag.e2e';
import './workflow-live-events.e2e';
import './workflow-modes-and-resume.e2e';
import './http-workflows.e2e';
