import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../main/engine/engine.ts';
import { createTestDatabase, TEST_SERVERS } from '../../support/databases.ts';
import { startCli } from '../../support/run-cli.ts';

const MiB = 1024 * 1024;

/** The hint's number: "Give at least 212 MiB (e.g. --memory-budget 212MiB), …". */
function minimumIn(hint: string): number {
  const match = /Give at least [\d.]+ MiB \(e\.g\. --memory-budget (\d+)MiB\)/.exec(hint);
  if (!match) throw new Error(`no minimum in the hint: ${hint}`);
  return Number(match[1]) * MiB;
}

// A budget under what the engine needs at rest used to be accepted; the manager then cleaned up forever and
// never held it. Now it is refused, with the resting need and the smallest budget that fits.
describe.each(TEST_SERVERS)('a memory budget below the engine at rest, on %s', (server) => {
  it('hotpath serve --memory-budget under the resting need exits 1 with the number, before connecting', async () => {
    const db = await createTestDatabase(server);
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-budget-floor-'));
    const cli = startCli(['serve', '--pg', db.url, '--data-dir', dataDir, '--port', '0', '--memory-budget', '100MiB']);
    try {
      // Refused at start: the process ends by itself (a hang here would be the old behaviour, serving forever).
      const exit = await Promise.race([cli.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 60_000))]);
      expect(exit).toEqual({ code: 1, signal: null });
      const stderr = cli.stderr();
      expect(stderr).toMatch(
        /hotpath: The memory budget 100 MiB is below what the engine needs: about \d+(\.\d)? MiB at rest before connecting to any stack/,
      );
      expect(minimumIn(stderr)).toBeGreaterThan(100 * MiB);
      expect(stderr).toMatch(/or leave --memory-budget unset\./);
      expect(cli.stdout()).not.toMatch(/Connected to/);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('the engine refuses such a budget at construction and from memory.setBudget once connected, keeping the budget it had', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'hotpath-budget-floor-'));
    expect(() => new Engine({ dataDir, memoryBudgetBytes: 64 * MiB })).toThrow(
      expect.objectContaining({ code: 'memory-budget-too-small' }),
    );
    const db = await createTestDatabase(server);
    const engine = new Engine({ dataDir, memoryBudgetBytes: 4096 * MiB, cache: { l3: { kind: 'off' } } });
    try {
      await engine.call('stack.connect', { pgUrl: db.url });
      const refused = await engine.call('memory.setBudget', { bytes: 80 * MiB }).then(
        () => null,
        (error: unknown) => error as { code: string; message: string; hint: string },
      );
      expect(refused).toMatchObject({
        code: 'memory-budget-too-small',
        message: expect.stringMatching(/about \d+(\.\d)? MiB at rest with this stack/),
      });
      const minimum = minimumIn(refused!.hint);
      expect((await engine.call('memory.status', {})).budgetBytes).toBe(4096 * MiB);
      // The number it gives is accepted.
      expect((await engine.call('memory.setBudget', { bytes: minimum })).budgetBytes).toBe(minimum);
    } finally {
      await engine.stop();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
