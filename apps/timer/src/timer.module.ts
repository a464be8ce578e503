import { Module } from '@nestjs/common';
import { BackfillRunnerService } from './backfill/backfill-runner.service';
import { RetryDispatcherService } from './retries/retry-dispatcher.service';
import { TimerService } from './timer.service';

@Module({
  providers: [TimerService, RetryDispatcherService, BackfillRunnerService],
  exports: [TimerService, RetryDispatcherService],
})
export class TimerModule {}
