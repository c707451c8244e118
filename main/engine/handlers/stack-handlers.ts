import type { ConnectionTest } from '../../contract/profiles.ts';
import { startLocalStack } from '../../stack/local/local-stack.ts';
import { connectRemoteStack } from '../../stack/remote/remote-stack.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type StackCommands = 'engine.status' | 'stack.startLocal' | 'stack.connect' | 'stack.disconnect' | 'stack.test';

function urls(p: { pgUrl: string; redisUrl?: string | undefined }): { pgUrl: string; redisUrl?: string } {
  return p.redisUrl === undefined ? { pgUrl: p.pgUrl } : { pgUrl: p.pgUrl, redisUrl: p.redisUrl };
}

export function stackHandlers(ctx: EngineContext): HandlerGroup<StackCommands> {
  return {
    'engine.status': async () => ctx.status(),
    'stack.startLocal': async (p) => {
      // Two local stacks cannot share a data folder (PostgreSQL locks it): a running local stack is stopped
      // first. Every other switch opens the new stack beside the old one and swaps only once it is up.
      if (ctx.connected()?.stack.kind === 'local') await ctx.disconnect();
      return ctx.connect(() => startLocalStack({
        dataDir: p.dataDir ?? ctx.dataDir,
        redis: p.redis ?? 'auto',
        onProgress: (s) => ctx.events.emit('task.progress', { task: 'stack', phase: s.step, message: s.message, done: 0, total: 0 }),
      }), null);
    },
    'stack.connect': async (p) => ctx.connect(() => connectRemoteStack({ ...urls(p), readOnly: ctx.readOnly }), null),
    'stack.disconnect': async () => {
      await ctx.disconnect();
      return ctx.status();
    },
    // Verifies the URLs the way stack.connect would (same checks, same classified errors) and lets go at
    // once; the engine's own stack is left as it is. A test creates nothing, whatever the mode: it only looks.
    'stack.test': async (p): Promise<ConnectionTest> => {
      const stack = await connectRemoteStack({ ...urls(p), readOnly: true });
      await stack.stop();
      return {
        serverVersion: stack.capabilities.serverVersion,
        pgStatStatements: stack.capabilities.pgStatStatements,
        redis: stack.redis !== null,
        notices: stack.notices.map((n) => ({ code: n.code, message: n.message, hint: n.hint })),
      };
    },
  };
}
