import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, parsePayload, projectorStatusQuerySchema, type ProjectorStatusView } from '@sched/contracts';
import { ProjectionLagProbe } from './projection-lag.probe';

/** `sched.query.projector.status`: answered by the projector that owns the read models. */
@Controller()
export class ProjectorStatusController {
  constructor(private readonly probe: ProjectionLagProbe) {}

  @MessagePattern(Subjects.query.projectorStatus)
  status(@Payload() payload: unknown): Promise<ProjectorStatusView> {
    parsePayload(projectorStatusQuerySchema, payload, 'projector.status');
    return this.probe.status();
  }
}
