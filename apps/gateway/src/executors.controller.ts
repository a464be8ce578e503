import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Subjects, listExecutorsQuerySchema, parsePayload, type ExecutorTypeView } from '@sched/contracts';
import { ExecutorCatalog } from './executor-catalog';

/** `sched.query.executor.list`: what a task's `executor` may name here, so forms and scripts need not guess. */
@Controller()
export class ExecutorsController {
  constructor(private readonly catalog: ExecutorCatalog) {}

  @MessagePattern(Subjects.query.executorList)
  list(@Payload() payload: unknown): { readonly items: readonly ExecutorTypeView[] } {
    parsePayload(listExecutorsQuerySchema, payload, 'executor.list');
    return { items: this.catalog.types().map((type) => ({ type, description: this.catalog.get(type)?.description ?? '' })) };
  }
}
