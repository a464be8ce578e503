import { commandExecutor } from '../builtins/command.executor';
import { runExecutor } from './run-executor';

/**
 * Runs one `command` attempt (argv from COMMAND_ARGV, JSON) and says `running` once it started; a test then kills
 * this process with SIGKILL and checks that the command's process group did not outlive it.
 */
const run = runExecutor(commandExecutor, { argv: JSON.parse(process.env.COMMAND_ARGV ?? '["sleep","30"]') });
run.result.catch(() => undefined);
setTimeout(() => process.stdout.write('running\n'), 300);
