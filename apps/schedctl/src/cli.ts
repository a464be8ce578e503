import { Command } from 'commander';
import { replayCommands } from './commands/audit.commands';
import { execCommands } from './commands/exec.commands';
import { natsAuthCommand } from './commands/nats-auth.command';
import { executorsCommand, statsCommand } from './commands/stats.commands';
import { taskCommands } from './commands/task.commands';
import { transferCommands } from './commands/transfer.commands';
import { workflowCommands } from './commands/workflow.commands';
import { CliContext, DEFAULT_NATS_URL } from './context';
import { ExitCode, describeError, exitCodeOf } from './exit-codes';
import { timeoutMs } from './numeric-options';
import { processIo, type CliIo } from './output';

/**
 * The whole command tree, writing through `io`; commander never exits the process itself. With `--json` its own
 * usage errors are not written as text: main writes them as the structured error every other failure is.
 */
function buildProgram(io: CliIo, asJson: boolean): { program: Command; ctx: CliContext } {
  const program = new Command('schedctl')
    .description('control the sched task scheduler over NATS')
    .option('--url <url>', `NATS server (default $NATS_URL or ${DEFAULT_NATS_URL})`)
    .option('--json', 'machine-readable JSON output')
    .option('--timeout <ms>', 'per-request timeout', timeoutMs, 10_000)
    .showHelpAfterError()
    .addHelpText(
      'after',
      `\nExit codes: ${ExitCode.OK} ok, ${ExitCode.ERROR} error reply, ${ExitCode.USAGE} usage, ${ExitCode.UNAVAILABLE} unavailable, ${ExitCode.AUDIT_FAILED} audit found a broken link`,
    );
  const ctx = new CliContext(io, program);
  for (const command of [taskCommands(ctx), execCommands(ctx), workflowCommands(ctx), statsCommand(ctx), executorsCommand(ctx), ...replayCommands(ctx), ...transferCommands(ctx), natsAuthCommand(ctx)]) program.addCommand(command);
  // Subcommands inherit the output and the no-exit behaviour.
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: asJson ? () => undefined : io.err });
    command.commands.forEach(configure);
  };
  configure(program);
  return { program, ctx };
}

/** Runs one command line (without `node` and the script) and resolves with the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // Looked for before parsing: a usage error may stop commander before it has read the option.
  const asJson = argv.includes('--json');
  const { program, ctx } = buildProgram(io, asJson);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    const code = exitCodeOf(error);
    // commander has already printed its own usage errors as text (and help, which is not an error).
    const commanders = error instanceof Error && error.name === 'CommanderError';
    if (!commanders || (asJson && code !== ExitCode.OK)) io.err(describeError(error, asJson));
    return code;
  } finally {
    await ctx.close();
  }
}
