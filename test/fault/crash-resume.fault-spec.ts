// Outages: nats-server restarts, crashed workflow and notice senders. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './nats-restart.fault';
import './workflow-crash-resume.fault';
import './failure-notices-crash.fault';
