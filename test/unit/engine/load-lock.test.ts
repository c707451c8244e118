import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../main/contract/api.ts';
import { LoadLock } from '../../../main/engine/load-lock.ts';

describe('LoadLock', () => {
  it('runs one piece of work at a time: the second gets busy, naming the first; free again once it ends', async () => {
    const lock = new LoadLock();
    let release!: () => void;
    const first = lock.run('A capacity search', () => new Promise<string>((resolve) => (release = () => resolve('done'))));
    const second = lock.run('Optimize', async () => 'ran');
    await expect(second).rejects.toBeInstanceOf(ContractError);
    await expect(second).rejects.toMatchObject({ code: 'busy', message: 'A capacity search is running.' });
    release();
    expect(await first).toBe('done');
    expect(await lock.run('Optimize', async () => 'ran')).toBe('ran');
  });

  it('is free again after the work fails', async () => {
    const lock = new LoadLock();
    await expect(lock.run('Optimize', () => Promise.reject(new Error('build failed')))).rejects.toThrow('build failed');
    expect(await lock.run('A capacity search', async () => 1)).toBe(1);
  });
});
