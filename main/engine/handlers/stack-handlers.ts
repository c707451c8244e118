import type { ConnectionTest } from '../../contract/profiles.ts';
import { prepareDataDir, startLocalStack, type Stack, connectRemoteStack } from '../../stack/index.ts';
import { connectionL3, testConnectionL3 } from '../connection-l3.ts';
import { replicaReadSettings, type EngineContext, type HandlerGroup } from './engine-context.ts';

type StackCommands = 'engine.status' | 'stack.startLocal' | 'stack.connect' | 'stack.disconnect' | 'stack.test';

function urls(p: { pgUrl: string; redisUrl?: string | undefined; replicaUrls?: string[] | undefined }): {
  pgUrl: string;
  redisUrl?: string;
  replicaUrls?: string[];
} {
  return {
    pgUrl: p.pgUrl,
    ...(p.redisUrl === undefined ? {} : { redisUrl: p.redisUrl }),
    ...(p.replicaUrls === undefined ? {} : { replicaUrls: p.replicaUrls }),
  };
}

export function stackHandlers(ctx: EngineContext): HandlerGroup<StackCommands> {
  // The data folder (real path) of each local stack this engine started.
  const localFolders = new WeakMap<Stack, string>();
  return {
    'engine.status': async () => ctx.status(),
    'stack.startLocal': async (p) => {
      // The folder is checked (and created) first: one that cannot be used is refused with the stack in use intact.
      const { root } = await prepareDataDir(p.dataDir ?? ctx.dataDir);
      // Two local stacks cannot share a data folder (PostgreSQL locks it): a running local stack of the same
      // folder is stopped first. Every other switch opens the new stack beside the old one and swaps once it is up.
      const current = ctx.connected()?.stack;
      const sameFolder = current !== undefined && localFolders.get(current) === root;
      return ctx.connect(
        async () => {
          const stack = await startLocalStack({
            dataDir: root,
            redis: p.redis ?? 'auto',
            onProgress: (s) => ctx.events.emit('task.progress', { task: 'stack', phase: s.step, message: s.message, done: 0, total: 0 }),
          });
          localFolders.set(stack, root);
          return stack;
        },
        null,
        { vacateFirst: sameFolder },
      );
    },
    'stack.connect': async (p) => {
      const l3 = connectionL3(p.l3Url);
      return ctx.connect(() => connectRemoteStack({ ...urls(p), readOnly: ctx.readOnly, passwordSources: ctx.passwordSources }), null, {
        ...(l3 ? { l3 } : {}),
        replicaReads: replicaReadSettings({ policy: p.replicaPolicy, maxLagSeconds: p.replicaMaxLagSeconds }),
      });
    },
    'stack.disconnect': async () => {
      await ctx.disconnect();
      return ctx.status();
    },
    // Verifies the URLs the way stack.connect would (same checks, same classified errors) and lets go at
    // once; the engine's own stack is left as it is. A test creates nothing, whatever the mode: it only looks.
    'stack.test': async (p): Promise<ConnectionTest> => {
      // A bad object store URL is refused before any server is contacted.
      const l3 = connectionL3(p.l3Url);
      // Every replica is checked and listed, a failing one with its error, so the test shows each part of the stack.
      const stack = await connectRemoteStack({
        ...urls(p),
        readOnly: true,
        passwordSources: ctx.passwordSources,
        replicaFailures: 'report',
      });
      await stack.stop();
      return {
        serverVersion: stack.capabilities.serverVersion,
        pgStatStatements: stack.capabilities.pgStatStatements,
        redis: stack.redis !== null,
        ...(stack.replicaChecks?.length ? { replicas: stack.replicaChecks } : {}),
        ...(l3?.kind === 's3' ? { l3: await testConnectionL3(l3) } : {}),
        notices: stack.notices.map((n) => ({ code: n.code, message: n.message, hint: n.hint })),
      };
    },
  };
}
