import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cruise, type ICruiseOptions, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';

/**
 * The rules of .dependency-cruiser.cjs (what `npm run lint` runs), through dependency-cruiser's own API: the real
 * tree keeps them, and each rule reports a deliberately bad import of a small fixture tree under its name.
 */

const ROOT = resolve(import.meta.dirname, '../../..');

async function projectOptions(): Promise<ICruiseOptions> {
  return extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
}

async function cruiseTree(baseDir: string, folders: string[], withTsConfig: boolean): Promise<ICruiseResult> {
  const options = await projectOptions();
  if (!withTsConfig) delete options.tsConfig;
  const reported = await cruise(folders, { ...options, baseDir, validate: true, outputType: 'json' });
  return typeof reported.output === 'string' ? (JSON.parse(reported.output) as ICruiseResult) : reported.output;
}

const brief = (violation: IViolation) => ({ rule: violation.rule.name, from: violation.from, to: violation.to });

describe('the dependency rules on the real tree', () => {
  let result: ICruiseResult;
  beforeAll(async () => {
    result = await cruiseTree(ROOT, ['main', 'app', 'renderer', 'test', 'tools'], true);
  }, 120_000);

  it('finds no violation', () => {
    expect(result.summary.violations.map(brief)).toEqual([]);
  });

  it('cruised the tree (the check is not vacuous)', () => {
    const sources = result.modules.map((module) => module.source);
    expect(sources.filter((source) => source.startsWith('main/')).length).toBeGreaterThan(200);
    // The engine reaches the subsystems through their surfaces, and the renderer reaches the contract by types.
    const engine = result.modules.find((module) => module.source === 'main/engine/engine.ts')!;
    expect(engine.dependencies.some((dependency) => dependency.resolved === 'main/pool/index.ts')).toBe(true);
    const rendererToContract = result.modules
      .filter((module) => module.source.startsWith('renderer/'))
      .flatMap((module) => module.dependencies)
      .filter((dependency) => dependency.resolved.startsWith('main/contract/'));
    expect(rendererToContract.length).toBeGreaterThan(0);
    expect(rendererToContract.every((dependency) => dependency.dependencyTypes.includes('type-only'))).toBe(true);
  });
});

/** A small tree, each file named after what it shows; `bad-*` files break exactly one rule each. */
const FIXTURE: Record<string, string> = {
  'node_modules/react/package.json': '{ "name": "react", "main": "index.js" }',
  'node_modules/react/index.js': 'export const createElement = () => null;\n',
  'renderer/view.ts': 'export const view = 1;\n',
  'renderer/bad-value-import.ts': "import { command } from '../main/contract/commands.ts';\nexport const used = command;\n",
  'renderer/type-import.ts': "import type { Command } from '../main/contract/commands.ts';\nexport type Used = Command;\n",
  'main/contract/commands.ts': 'export const command = 1;\nexport type Command = number;\n',
  'main/contract/bad-imports-util.ts': "import { helper } from '../util/helper.ts';\nexport const c = helper;\n",
  'main/util/helper.ts': 'export const helper = 1;\n',
  'main/util/bad-imports-subsystem.ts': "import { inner } from '../cache/index.ts';\nexport const u = inner;\n",
  'main/cache/index.ts': "export { inner } from './l1/inner.ts';\n",
  'main/cache/l1/inner.ts': "import { helper } from '../../util/helper.ts';\nexport const inner = helper;\n",
  'main/cache/l1/cycle-a.ts': "import { b } from './cycle-b.ts';\nexport const a = (): number => b();\n",
  'main/cache/l1/cycle-b.ts': "import { a } from './cycle-a.ts';\nexport const b = (): number => a();\n",
  'main/cache/l1/to-l2.ts': "import { l2 } from '../l2/store.ts';\nexport const l1 = l2;\n",
  'main/cache/l2/store.ts': 'export const l2 = 2;\n',
  'main/cache/l2/to-l1.ts':
    "import { helper } from '../../util/helper.ts';\nimport { inner } from '../l1/inner.ts';\nexport const x = inner + helper;\n",
  'main/cache/bad-imports-engine.ts': "import { engine } from '../engine/index.ts';\nexport const e = engine;\n",
  'main/workload/index.ts': 'export const workload = 1;\n',
  'main/pool/bad-sideways.ts': "import { workload } from '../workload/index.ts';\nexport const p = workload;\n",
  'main/demo/index.ts': "export { seed } from './seed.ts';\n",
  'main/demo/seed.ts': "import { batch } from '../batch/index.ts';\nexport const seed = batch;\n",
  'main/batch/index.ts': 'export const batch = 1;\n',
  'main/engine/index.ts': "export { engine } from './engine.ts';\n",
  'main/engine/engine.ts': "import { inner } from '../cache/index.ts';\nexport const engine = inner;\n",
  'main/engine/bad-deep-import.ts': "import { inner } from '../cache/l1/inner.ts';\nexport const d = inner;\n",
  'main/engine/bad-imports-renderer.ts': "import { view } from '../../renderer/view.ts';\nexport const r = view;\n",
  'main/engine/bad-imports-react.ts': "import { createElement } from 'react';\nexport const h = createElement;\n",
  'app/host.ts': "import { engine } from '../main/engine/index.ts';\nexport const host = engine;\n",
  'app/bad-deep-import.ts': "import { engine } from '../main/engine/engine.ts';\nexport const deep = engine;\n",
  'test/unit/inner.test.ts': "import { inner } from '../../main/cache/l1/inner.ts';\nexport const tested = inner;\n",
};

describe('the dependency rules on a fixture tree with bad imports', () => {
  let folder: string;
  let violations: ReturnType<typeof brief>[];
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'hotpath-dependency-rules-'));
    for (const [path, text] of Object.entries(FIXTURE)) {
      await mkdir(dirname(join(folder, path)), { recursive: true });
      await writeFile(join(folder, path), text);
    }
    const result = await cruiseTree(folder, ['main', 'app', 'renderer', 'test'], false);
    violations = result.summary.violations.map(brief);
  }, 120_000);
  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const reported = (rule: string, from: string, to?: string) =>
    violations.some((violation) => violation.rule === rule && violation.from === from && (to === undefined || violation.to === to));

  it('engine → renderer and engine → React: engine-is-a-library', () => {
    expect(reported('engine-is-a-library', 'main/engine/bad-imports-renderer.ts', 'renderer/view.ts')).toBe(true);
    expect(reported('engine-is-a-library', 'main/engine/bad-imports-react.ts', 'node_modules/react/index.js')).toBe(true);
  });

  it('a deep import into a subsystem or the engine: no-deep-imports', () => {
    expect(reported('no-deep-imports', 'main/engine/bad-deep-import.ts', 'main/cache/l1/inner.ts')).toBe(true);
    expect(reported('no-deep-imports', 'app/bad-deep-import.ts', 'main/engine/engine.ts')).toBe(true);
  });

  it('a module cycle: no-circular; a cycle between folders without one: no-folder-cycles', () => {
    expect(reported('no-circular', 'main/cache/l1/cycle-a.ts', 'main/cache/l1/cycle-b.ts')).toBe(true);
    expect(reported('no-folder-cycles', 'main/cache/l1', 'main/cache/l2')).toBe(true);
    expect(reported('no-folder-cycles', 'main/cache/l2', 'main/cache/l1')).toBe(true);
  });

  it('a sideways edge between subsystems that SIDEWAYS_EDGES does not list: no-sideways-edges', () => {
    expect(reported('no-sideways-edges', 'main/pool/bad-sideways.ts', 'main/workload/index.ts')).toBe(true);
    // demo → batch is listed.
    expect(violations.some((violation) => violation.from === 'main/demo/seed.ts')).toBe(false);
  });

  it('upward edges: subsystems below the engine, the foundation below the subsystems, the contract lowest', () => {
    expect(reported('subsystems-below-the-engine', 'main/cache/bad-imports-engine.ts', 'main/engine/index.ts')).toBe(true);
    expect(reported('foundation-imports-only-foundation', 'main/util/bad-imports-subsystem.ts', 'main/cache/index.ts')).toBe(true);
    expect(reported('contract-is-the-lowest-layer', 'main/contract/bad-imports-util.ts', 'main/util/helper.ts')).toBe(true);
  });

  it('the renderer imports the contract by type only: renderer-imports-only-types', () => {
    expect(reported('renderer-imports-only-types', 'renderer/bad-value-import.ts', 'main/contract/commands.ts')).toBe(true);
    expect(violations.some((violation) => violation.from === 'renderer/type-import.ts')).toBe(false);
  });

  it('reports nothing else: surfaces, own internals and tests reaching internals are fine', () => {
    const badOnes = violations.filter(
      (violation) => violation.from.includes('/bad-') || violation.from.includes('cycle-') || violation.rule === 'no-folder-cycles',
    );
    expect(violations).toEqual(badOnes);
  });
});
