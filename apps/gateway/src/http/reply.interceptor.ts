import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { okReply, type Reply } from '@sched/contracts';
import { map, type Observable } from 'rxjs';

/** HTTP bodies are the NATS replies: `{ ok: true, result }` (errors: HttpErrorFilter). */
@Injectable()
export class ReplyInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<Reply<unknown>> {
    return next.handle().pipe(map((result: unknown) => okReply(result ?? null)));
  }
}
