import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ContractError, type EngineApi } from '../../../main/contract/api.ts';
import { connectRemoteStack, maskSecretsInText, StackError, type Stack } from '../../../main/stack/index.ts';
import { profileFromStats, ProfileFromStatsError, type ProfileFromStats } from '../../../main/workload/index.ts';
import { connectWithPasswords, takeEnvironmentPasswords, type PasswordFlags } from '../password-options.ts';
import { withClient } from '../../../main/util/pg-client.ts';

export interface ProfileFromStatsCliOptions extends PasswordFlags {
  pg: string;
  top: number;
  /** Write the profile here (JSON) instead of to standard output. */
  out?: string;
  /** Overwrite --out when it exists. */
  force?: boolean;
  name?: string;
}

/**
 * `hotpath profile from-stats`: a workload profile from the busiest reads of pg_stat_statements (see
 * main/workload/profile-from-stats.ts), for `hotpath optimize --workload FILE` and `hotpath serve --workload FILE`.
 * The profile goes to --out (or standard output); what was included and what was skipped, with why, to standard
 * error. The connection is verified as `optimize`'s is, read-only (no CREATE EXTENSION), with the same password
 * sources; the generation itself runs in one READ ONLY transaction that is rolled back.
 */
export async function profileFromStatsCommand(options: ProfileFromStatsCliOptions): Promise<void> {
  // Said before connecting; the write itself refuses an existing file too (it may appear meanwhile).
  if (options.out && !options.force && existsSync(options.out)) throw fileExists(options.out);
  const environmentPasswords = takeEnvironmentPasswords();
  const stack = await connectStack(options, environmentPasswords);
  let generated: ProfileFromStats;
  try {
    if (!stack.capabilities.pgStatStatements) {
      const notice = stack.notices.find((n) => n.code.startsWith('pg-stat-statements'));
      throw new ContractError(
        'pg-stat-statements-missing',
        notice?.message ?? 'pg_stat_statements is not available on this database.',
        notice?.hint ?? "Preload it (shared_preload_libraries = 'pg_stat_statements'), then CREATE EXTENSION pg_stat_statements.",
      );
    }
    try {
      generated = await withClient({ ...stack.pg, application_name: 'hotpath-profile' }, (client) =>
        profileFromStats(client, { top: options.top, ...(options.name === undefined ? {} : { name: options.name }) }),
      );
    } catch (error) {
      if (error instanceof ProfileFromStatsError) throw new ContractError('no-profile', error.message, error.hint);
      throw error;
    }
  } finally {
    await stack.stop();
  }
  const text = `${JSON.stringify(generated.document, null, 2)}\n`;
  if (options.out) {
    try {
      await writeFile(options.out, text, { flag: options.force ? 'w' : 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      throw fileExists(options.out);
    }
  } else {
    process.stdout.write(text);
  }
  process.stderr.write(summary(generated, options.out));
}

/**
 * The stack (verified, read-only) with the passwords the command line gives, as `connectWithPasswords` finds
 * them for the engine: here it connects without an engine, since the profile needs one connection and no pools.
 */
async function connectStack(flags: PasswordFlags, environment: ReturnType<typeof takeEnvironmentPasswords>): Promise<Stack> {
  let stack: Stack | null = null;
  const connector = {
    call: async (_command: 'stack.connect', params: { pgUrl: string }) => {
      try {
        stack = await connectRemoteStack({ pgUrl: params.pgUrl, readOnly: true });
      } catch (error) {
        if (error instanceof StackError) throw new ContractError(error.code, maskSecretsInText(error.message), error.hint);
        throw error;
      }
    },
  } as unknown as Pick<EngineApi, 'call'>;
  await connectWithPasswords(connector, flags, environment);
  return stack!;
}

function fileExists(out: string): ContractError {
  return new ContractError('bad-arguments', `${resolve(out)} exists.`, 'Add --force to overwrite it, or choose another --out.');
}

function summary(generated: ProfileFromStats, out: string | undefined): string {
  const lines = [
    `Included ${generated.included.length} statement${generated.included.length === 1 ? '' : 's'} (busiest first, weighted by calls):`,
  ];
  for (const s of generated.included) {
    lines.push(`  ${s.template}: ${s.calls} calls, mean ${s.meanMs.toFixed(2)} ms  ${oneLine(s.query)}`);
    s.params.forEach((p, i) => lines.push(`     $${i + 1} ${p}`));
  }
  if (generated.skipped.length > 0) {
    lines.push('', `Skipped ${generated.skipped.length}:`);
    for (const s of generated.skipped) lines.push(`  ${oneLine(s.query)}`, `     ${s.reason}`);
  }
  if (out) {
    lines.push(
      '',
      `Wrote ${resolve(out)}. Measure before/after on it: hotpath optimize --pg … --workload ${out} (it runs as the same role).`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const oneLine = (sql: string): string => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
};
