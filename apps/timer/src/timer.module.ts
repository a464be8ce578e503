import { Module } from '@nestjs/common';
import { RetryDispatcherService } from './retries/retry-dispatcher.service';
import { TimerService } from './timer.service';

@Module({ providers: [TimerService, RetryDispatcherService], exports: [TimerService, RetryDispatcherService] })
export class TimerModule {}
