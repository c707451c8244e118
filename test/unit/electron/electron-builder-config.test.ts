import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

// electron-builder cannot package here (no Electron binary), so its configuration is checked
// against the JSON schema electron-builder itself validates with, shipped in app-builder-lib.
const ROOT = resolve(import.meta.dirname, '../../..');
const schema = JSON.parse(readFileSync(resolve(ROOT, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as object;
const config = parse(readFileSync(resolve(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function errorsOf(candidate: unknown): string[] {
  return validate(candidate)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

function targets(platform: string): unknown {
  return (config[platform] as { target?: unknown } | undefined)?.target;
}

describe('electron-builder.yml', () => {
  it('is valid against app-builder-lib/scheme.json', () => {
    expect(errorsOf(config)).toEqual([]);
  });

  it('the schema check is not vacuous: a misspelt fuse or option is rejected', () => {
    const fuses = config.electronFuses as Record<string, unknown>;
    expect(errorsOf({ ...config, electronFuses: { ...fuses, runAsnode: false } }).join('\n')).toContain('runAsnode');
    expect(errorsOf({ ...config, asarr: true }).join('\n')).toContain('asarr');
  });

  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(targets('mac')).toEqual(['dmg']);
    expect(targets('win')).toEqual(['nsis']);
  });

  it('packs the electron-vite output into an asar archive', () => {
    expect(config.asar).toBe(true);
    expect(config.files).toContain('out/**');
  });

  it('sets every fuse the security checklist asks for', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });
});
