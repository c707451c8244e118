import { connectRemoteStack } from '../../stack/index.ts';
import { connectionL3 } from '../connection-l3.ts';
import { replicaReadSettings, type EngineContext, type HandlerGroup } from './engine-context.ts';

type ProfileCommands = 'profiles.list' | 'profiles.save' | 'profiles.delete' | 'profiles.connect';

export function profileHandlers(ctx: EngineContext): HandlerGroup<ProfileCommands> {
  return {
    'profiles.list': async () => ctx.profiles.list(),
    'profiles.save': async (p) => {
      // Refused with the cache's own rules before anything is written.
      connectionL3(p.l3Url);
      return ctx.profiles.save(p);
    },
    'profiles.delete': async (p) => {
      const list = await ctx.profiles.delete(p.id);
      ctx.forgetProfile(p.id);
      return list;
    },
    'profiles.connect': async (p) => {
      const target = await ctx.profiles.connection(p.id, p.password);
      const l3 = connectionL3(target.l3Url);
      const status = await ctx.connect(
        () =>
          connectRemoteStack({
            ...(target.redisUrl === null ? { pgUrl: target.pgUrl } : { pgUrl: target.pgUrl, redisUrl: target.redisUrl }),
            ...(target.replicaUrls.length > 0 ? { replicaUrls: target.replicaUrls } : {}),
            readOnly: ctx.readOnly,
            passwordSources: ctx.passwordSources,
          }),
        target.id,
        {
          ...(l3 ? { l3 } : {}),
          replicaReads: replicaReadSettings({ policy: target.replicaPolicy, maxLagSeconds: target.replicaMaxLagSeconds }),
        },
      );
      // A typed password that worked is kept for the session, so the next connect needs no prompt.
      if (p.password !== undefined) ctx.profiles.remember(target.id, p.password);
      // Connected either way: a profiles file that cannot be written only costs the "last used" date.
      await ctx.profiles
        .markUsed(target.id)
        .catch((error: unknown) =>
          ctx.log('warn', `Could not record when profile "${target.name}" was last used: ${(error as Error).message}`),
        );
      return status;
    },
  };
}
