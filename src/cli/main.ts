#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { codecServerCommand } from './commands/codec-server';
import { scheduleCommand } from './commands/schedule';
import { statusCommand } from './commands/status';
import { syncCommand } from './commands/sync';
import { syncProjectCommand } from './commands/sync-project';
import { webhooksCommand } from './commands/webhooks';
import { workerCommand } from './commands/worker';
import { ExitCode } from './exit-codes';
import { packageVersion } from './package-version';

/**
 * The commands with their flags. What a command runs is imported when it runs (src/cli/actions), so
 * --help and --version load commander and these definitions only, and an install with the Temporal
 * client but not the worker runs every command that needs no worker in this process.
 */
function cliProgram(): Command {
  const program = new Command('label-studio-temporal')
    .description('Durable Label Studio export-storage syncs on Temporal')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(syncCommand());
  program.addCommand(syncProjectCommand());
  program.addCommand(scheduleCommand());
  program.addCommand(webhooksCommand());
  program.addCommand(statusCommand());
  program.addCommand(workerCommand());
  program.addCommand(codecServerCommand());
  // Subcommands do not inherit these: usage errors must reach the catch below, not exit(1).
  for (const command of program.commands) command.exitOverride().showHelpAfterError();
  return program;
}

/** Runs the CLI on `argv` (node and script first, as in process.argv); sets process.exitCode and resolves with it. */
export function runCli(argv: string[]): Promise<number> {
  return runCommand(cliProgram(), argv);
}

/** Runs `program` (the CLI, or the contributor's demo in dev/) with the CLI's exit codes and error lines. */
export async function runCommand(program: Command, argv: string[]): Promise<number> {
  program.exitOverride().showHelpAfterError();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with code 0.
      process.exitCode = err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
    } else {
      process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
      const { exitCodeForError } = await import('./error-exit-code.js'); // loads the Temporal client: not for --help
      process.exitCode = exitCodeForError(err);
    }
  }
  return Number(process.exitCode ?? ExitCode.Ok);
}

if (require.main === module) void runCli(process.argv);
