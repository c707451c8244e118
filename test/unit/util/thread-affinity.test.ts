import { describe, expect, it } from 'vitest';
import { parseCpuList, splitCores } from '../../../main/util/thread-affinity.ts';

describe('parseCpuList', () => {
  it("reads the kernel's list syntax: single CPUs and ranges, in any order, once each", () => {
    expect(parseCpuList('0-3,8,10-11')).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect(parseCpuList('0')).toEqual([0]);
    expect(parseCpuList(' 5,1,1-2\n')).toEqual([1, 2, 5]);
  });

  it('refuses what is not such a list', () => {
    for (const text of ['', 'a', '1-', '3-1', '1,,2', '0x1', '-1']) expect(parseCpuList(text), text).toBeNull();
  });
});

describe('splitCores', () => {
  it('gives the main thread the first usable CPU and the others the rest', () => {
    expect(splitCores([2, 3])).toEqual({ mainCpu: 2, otherCpus: [3] });
    expect(splitCores([0, 1, 4, 7])).toEqual({ mainCpu: 0, otherCpus: [1, 4, 7] });
  });

  it('has nothing to split with fewer than two CPUs', () => {
    expect(splitCores([0])).toBeNull();
    expect(splitCores([])).toBeNull();
  });
});
