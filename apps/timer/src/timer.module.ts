import { Module } from '@nestjs/common';
import { BackfillRunnerService } from './backfill/backfill-runner.service';
import { RetryDispatcherService } from './retries/retry-dispatcher.service';
import { TimerLiveness } from './timer-liveness';
import { TimerService } from './timer.service';

@Module({
  providers: [TimerService, RetryDispatcherService, BackfillRunnerService, TimerLiveness],
  exports: [TimerService, RetryDispatcherService],
})
export class TimerModule {}
