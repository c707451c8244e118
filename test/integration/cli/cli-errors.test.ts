import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { runCli } from '../../support/run-cli.ts';
import { withDatabase } from '../../support/databases.ts';

describe('hotpath CLI errors', () => {
  it('prints complete help for the program and each subcommand', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/serve[\s\S]*bench/);
    const serve = await runCli(['serve', '--help']);
    for (const flag of ['--local', '--pg', '--redis', '--data-dir', '--port', '--workload', '--rate', '--chunks', '--seed'])
      expect(serve.stdout).toContain(flag);
  });

  it.each([
    [['serve', '--rate', 'fast'], /--rate must be a positive number, got "fast"/],
    [['serve', '--chunks', '-3'], /--chunks must be a positive whole number/],
    [['serve', '--port', '70000'], /--port must be 0/],
    [['serve', '--pg', 'mysql://x@y/z', '--port', '0'], /postgres(ql)?:\/\//],
    [['bench', 'nonsense'], /Unknown benchmark suite nonsense/],
    [['bench', 'cache', '--hash-seeds', '4', '--trace', 'x.gz', '--format', 'lirs'], /--hash-seeds works with bench cache --all only/],
    [['bench', 'cache', '--all', '--hash-seeds', '0'], /--hash-seeds must be a positive whole number/],
  ])('rejects %j with a specific message and exit code 1', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('says when the port is taken and how to choose another', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = await runCli(['serve', '--port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('--port');
    } finally {
      blocker.close();
    }
  });

  it('names the field and line of a malformed workload profile', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotpath-profile-'));
    const file = join(dir, 'mine.yaml');
    await writeFile(file, 'name: mine\ntemplates:\n  - name: t\n    weight: 1\n    sql: DELETE FROM x\n');
    const pgUrl = withDatabase(inject('pg15Url'), 'postgres');
    const result = await runCli(['serve', '--pg', pgUrl, '--port', '0', '--workload', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mine\.yaml:5:\d+: templates\[0\]\.sql/);
    // Start-up failures stop what started quietly: the error is what the user reads last.
    expect(result.stderr).not.toContain('Stopping');
    expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(/profile/i);
  });
});
