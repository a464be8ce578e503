// Services killed with SIGKILL under load. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './executor-crash-recovery.fault';
import './mixed-workload-kills.fault';
import './paused-execution-worker-lost.fault';
import './projector-and-relay-kill.fault';
