import { describe, expect, it } from 'vitest';
import { FolderTier } from '../../../main/cache/l3/folder-tier.ts';
import { createObjectTier, ObjectTierConfigError, parseObjectTierConfig } from '../../../main/cache/l3/object-tier-config.ts';
import { S3Tier } from '../../../main/cache/l3/s3-tier.ts';

function problems(input: unknown): string[] {
  try {
    parseObjectTierConfig(input);
  } catch (error) {
    if (error instanceof ObjectTierConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('L3 configuration', () => {
  it('accepts a folder and a bucket with or without the optional fields', () => {
    expect(parseObjectTierConfig({ kind: 'folder', dir: '/var/cache/hotpath' })).toEqual({ kind: 'folder', dir: '/var/cache/hotpath' });
    expect(parseObjectTierConfig({ kind: 's3', bucket: 'hotpath-cache' })).toEqual({ kind: 's3', bucket: 'hotpath-cache' });
    const full = {
      kind: 's3',
      bucket: 'cache.example-1',
      prefix: 'team/hotpath/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
      accessKeyId: 'AKIA',
      secretAccessKey: 'secret',
    };
    expect(parseObjectTierConfig(full)).toEqual(full);
  });

  it.each([
    [{ kind: 'ftp', dir: '/x' }, 'kind: must be { kind: "folder", dir } or { kind: "s3", bucket, … }'],
    ['s3://bucket', 'must be { kind: "folder", dir } or { kind: "s3", bucket, … }'],
    [{ kind: 'folder' }, 'dir: must be the path of a folder'],
    [{ kind: 'folder', dir: '' }, 'dir: must be the path of a folder, not empty'],
    [{ kind: 'folder', dir: '/x', bucket: 'b' }, 'is not a known field here (allowed: kind, dir)'],
    [{ kind: 's3' }, 'bucket: must be a bucket name'],
    [
      { kind: 's3', bucket: 'ab' },
      'bucket: must be a bucket name of 3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    ],
    [
      { kind: 's3', bucket: 'My_Bucket' },
      'bucket: must be a bucket name of 3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    ],
    [
      { kind: 's3', bucket: 'b'.repeat(64) },
      'bucket: must be a bucket name of 3 to 63 characters: lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit',
    ],
    [{ kind: 's3', bucket: 'my..bucket' }, 'bucket: must not contain two dots in a row'],
    [{ kind: 's3', bucket: '192.168.1.10' }, 'bucket: must not look like an IP address'],
    [{ kind: 's3', bucket: 'hotpath', prefix: 'p'.repeat(513) }, 'prefix: must be at most 512 bytes'],
    [{ kind: 's3', bucket: 'hotpath', prefix: 7 }, 'prefix: must be a key prefix such as "hotpath-cache/"'],
    [
      { kind: 's3', bucket: 'hotpath', endpoint: 'localhost:9000' },
      'endpoint: must be an http:// or https:// URL, such as http://127.0.0.1:9000',
    ],
    [
      { kind: 's3', bucket: 'hotpath', endpoint: 'ftp://host' },
      'endpoint: must be an http:// or https:// URL, such as http://127.0.0.1:9000',
    ],
    [{ kind: 's3', bucket: 'hotpath', region: '' }, 'region: must be an AWS region such as us-east-1, not empty'],
    [{ kind: 's3', bucket: 'hotpath', forcePathStyle: 'yes' }, 'forcePathStyle: must be true or false'],
    [
      { kind: 's3', bucket: 'hotpath', accessKeyId: 'AKIA' },
      'secretAccessKey: must be given together with the other key, or both left out to use the AWS environment variables or profile',
    ],
    [
      { kind: 's3', bucket: 'hotpath', secretAccessKey: 'secret' },
      'accessKeyId: must be given together with the other key, or both left out to use the AWS environment variables or profile',
    ],
    [
      { kind: 's3', bucket: 'hotpath', secretKey: 'secret' },
      'is not a known field here (allowed: kind, bucket, prefix, endpoint, region, forcePathStyle, accessKeyId, secretAccessKey)',
    ],
  ])('refuses %j: %s', (input, message) => {
    expect(problems(input)).toContain(message);
  });

  it('lists every problem in one error whose message names the fields', () => {
    let error: unknown;
    try {
      createObjectTier({ kind: 's3', bucket: 'x', endpoint: 'nope' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ObjectTierConfigError);
    expect((error as ObjectTierConfigError).problems).toHaveLength(2);
    expect((error as Error).message).toMatch(
      /^The L3 cache configuration is invalid: bucket: .*; endpoint: .*\. Fix these fields and start again\.$/,
    );
  });

  it('builds the tier the configuration names', async () => {
    expect(createObjectTier({ kind: 'folder', dir: '/tmp/hotpath-l3-config-test' })).toBeInstanceOf(FolderTier);
    const s3 = createObjectTier({
      kind: 's3',
      bucket: 'hotpath',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      accessKeyId: 'a',
      secretAccessKey: 'b',
    });
    expect(s3).toBeInstanceOf(S3Tier);
    expect((s3 as S3Tier).objectNameFor('k')).toBe('hotpath-cache/k/6b');
    await (s3 as S3Tier).close();
  });
});
