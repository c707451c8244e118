import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(name) ? [path] : [];
  });
}

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function imports(folder: string): Import[] {
  return sourceFiles(join(ROOT, folder)).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const found: Import[] = [];
    for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      found.push({ file: relative(ROOT, file), specifier: match[3]!, typeOnly: match[2] !== undefined });
    }
    for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g))
      found.push({ file: relative(ROOT, file), specifier: match[1]!, typeOnly: false });
    return found;
  });
}

function target(imp: Import): string {
  return imp.specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, imp.file, '..', imp.specifier)) : imp.specifier;
}

describe('layering', () => {
  it('main/ (the engine) never imports electron, React or the renderer', () => {
    const offending = imports('main').filter(
      (imp) =>
        /^(electron|react|react-dom|recharts|zustand)(\/|$)/.test(imp.specifier) ||
        target(imp).startsWith('renderer/') ||
        target(imp).startsWith('app/'),
    );
    expect(offending).toEqual([]);
  });

  it('renderer/ imports only types from outside itself', () => {
    const offending = imports('renderer').filter(
      (imp) => imp.specifier.startsWith('.') && !target(imp).startsWith('renderer/') && !imp.typeOnly,
    );
    expect(offending).toEqual([]);
  });

  it('main/contract depends on nothing else of ours', () => {
    const offending = imports('main/contract').filter((imp) => imp.specifier.startsWith('.') && !target(imp).startsWith('main/contract/'));
    expect(offending).toEqual([]);
  });

  it('finds imports at all (the scan is not vacuous)', () => {
    expect(imports('main').length).toBeGreaterThan(50);
    expect(imports('renderer').some((imp) => imp.typeOnly)).toBe(true);
  });
});
