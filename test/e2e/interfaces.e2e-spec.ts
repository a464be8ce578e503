// What users talk to: HTTP, SSE, the SDK, schedctl, metrics. One Jest file for these suites: each keeps its own system (started and closed by its own hooks), but
// they share one module registry, so NestJS, NATS.js and sched's code load once, not once per suite (~1.4 s each).
// test/support/suite-groups.spec.ts checks that every suite is in exactly one such file.
import './http-api.e2e';
import './http-auth-and-ops.e2e';
import './http-events-sse.e2e';
import './client-sdk.e2e';
import './schedctl.e2e';
import './schedctl-transfer.e2e';
import './service-metrics.e2e';
