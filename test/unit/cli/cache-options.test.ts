import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheSettings, parseS3Flag } from '../../../app/cli/cache-options.ts';

describe('cache flags', () => {
  it('default: 128 MiB L1 and the folder L3 in the data folder; --no-cache turns it off', () => {
    expect(cacheSettings({ cache: true, cacheL1: 128 })).toEqual({ l1Bytes: 128 * 1024 * 1024, l3: { kind: 'folder' } });
    expect(cacheSettings({ cache: false, cacheL1: 128 })).toBe(false);
  });

  it('--cache-l3 takes a folder (made absolute), off, or an S3 URL', () => {
    expect(cacheSettings({ cache: true, cacheL1: 0.5, cacheL3: 'rel/dir' })).toEqual({
      l1Bytes: 524_288,
      l3: { kind: 'folder', dir: path.resolve('rel/dir') },
    });
    expect(cacheSettings({ cache: true, cacheL1: 1, cacheL3: 'off' })).toMatchObject({ l3: { kind: 'off' } });
    const s3 = cacheSettings({
      cache: true,
      cacheL1: 1,
      cacheL3: 's3://my-bucket/cache/?endpoint=http://127.0.0.1:9000&forcePathStyle=true',
    });
    // The engine builds the bucket tier (so its expiry sweep waits on the engine's background gate).
    expect(s3).toEqual({
      l1Bytes: 1024 * 1024,
      l3: {
        kind: 's3',
        config: { kind: 's3', bucket: 'my-bucket', prefix: 'cache/', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true },
      },
    });
  });

  it('--cache-l3-max bounds the folder tier in bytes, and is refused where there is no folder to bound', () => {
    expect(cacheSettings({ cache: true, cacheL1: 1, cacheL3Max: '2GB' })).toMatchObject({ l3: { kind: 'folder', maxBytes: 2e9 } });
    expect(cacheSettings({ cache: true, cacheL1: 1, cacheL3: 'rel/dir', cacheL3Max: '500MiB' })).toMatchObject({
      l3: { kind: 'folder', dir: path.resolve('rel/dir'), maxBytes: 500 * 1024 * 1024 },
    });
    expect(() => cacheSettings({ cache: true, cacheL1: 1, cacheL3Max: 'lots' })).toThrow('--cache-l3-max "lots" is not a size');
    expect(() => cacheSettings({ cache: true, cacheL1: 1, cacheL3: 'off', cacheL3Max: '1GB' })).toThrow('bounds the folder tier only');
    expect(() => cacheSettings({ cache: true, cacheL1: 1, cacheL3: 's3://b', cacheL3Max: '1GB' })).toThrow(
      'bound its size with a lifecycle rule',
    );
  });

  it('parses an S3 URL into bucket, prefix, endpoint, region and path style', () => {
    expect(parseS3Flag('s3://hotpath-cache/team%20a/?endpoint=https://s3.example.com&region=eu-west-1&forcePathStyle=false')).toEqual({
      kind: 's3',
      bucket: 'hotpath-cache',
      prefix: 'team a/',
      endpoint: 'https://s3.example.com',
      region: 'eu-west-1',
      forcePathStyle: false,
    });
    expect(parseS3Flag('s3://hotpath-cache')).toEqual({ kind: 's3', bucket: 'hotpath-cache' });
  });

  it('says what is wrong with a bad S3 URL', () => {
    expect(() => parseS3Flag('s3://b/x?secret=1')).toThrow('unknown parameter secret (known: endpoint, region, forcePathStyle)');
    expect(() => parseS3Flag('s3://b/x?forcePathStyle=yes')).toThrow('forcePathStyle must be true or false, got "yes"');
    expect(() => parseS3Flag('s3://AKIA:secret@bucket/x')).toThrow('credentials do not belong on the command line');
    expect(() => cacheSettings({ cache: true, cacheL1: 1, cacheL3: 's3://B_/x' })).toThrow(
      /--cache-l3: The L3 cache configuration is invalid: bucket: must be a bucket name/,
    );
  });
});
