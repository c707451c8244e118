import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../../vitest.config.ts';

const ROOT = join(import.meta.dirname, '../../..');

interface ProjectConfig {
  test: { name: string; include: string[]; globalSetup?: string[] };
}

const projects = (config.test?.projects ?? []) as ProjectConfig[];

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && /\.tsx?$/.test(e.name)).map((e) => join(e.parentPath, e.name));
}

/** `npm run test:unit` runs without PostgreSQL or Redis; these tests keep it that way. */
describe('the test projects', () => {
  it('are unit, integration and e2e, each with its own folder, and only the unit project has no global setup', () => {
    expect(projects.map((p) => [p.test.name, p.test.include])).toEqual([
      ['unit', ['test/unit/**/*.test.ts']],
      ['integration', ['test/integration/**/*.test.ts']],
      ['e2e', ['test/e2e/**/*.test.ts']],
    ]);
    expect(projects.find((p) => p.test.name === 'unit')!.test.globalSetup).toBeUndefined();
    expect(projects.find((p) => p.test.name === 'integration')!.test.globalSetup).toEqual(['test/support/global-setup.ts']);
  });

  it('keep out of test/unit what only the global setup provides: server URLs (inject) and test databases', async () => {
    const offenders: string[] = [];
    for (const file of await filesUnder(join(ROOT, 'test/unit'))) {
      if (file === import.meta.filename) continue;
      const text = await readFile(file, 'utf8');
      if (/\binject\(|support\/databases|support\/global-setup/.test(text)) offenders.push(relative(ROOT, file));
    }
    expect(offenders, 'these need servers: move them to test/integration').toEqual([]);
  });
});
