import { ContractError } from '../../contract/api.ts';
import { formatBytes } from '../../memory/index.ts';
import { toActionPayload, type MemorySession } from '../memory-session.ts';
import type { EngineContext, HandlerGroup } from './engine-context.ts';

type MemoryCommands = 'memory.status' | 'memory.cleanup' | 'memory.setBudget' | 'memory.setAutomatic';

/** The operator's side of the memory manager: cleanups now, the budget, automatic cleanups on or off. */
export function memoryHandlers(ctx: EngineContext, memory: MemorySession): HandlerGroup<MemoryCommands> {
  return {
    'memory.status': async () => memory.status(),
    'memory.cleanup': async (p) => toActionPayload(await memory.manager.runCleanup(p.level, 'asked for by the operator')),
    'memory.setBudget': async (p) => {
      const machine = memory.manager.status().reading?.machine.totalBytes;
      if (machine !== undefined && p.bytes > machine) {
        throw new ContractError(
          'budget-too-large',
          `A budget of ${formatBytes(p.bytes)} is more than this machine's ${formatBytes(machine)} of memory.`,
          "Choose a budget below the machine's memory, e.g. a quarter of it.",
        );
      }
      memory.setBudget(p.bytes);
      ctx.log('info', `Memory budget set to ${formatBytes(p.bytes)}.`);
      return memory.status();
    },
    'memory.setAutomatic': async (p) => {
      if (p.enabled) memory.manager.resume();
      else memory.manager.pause();
      ctx.log('info', p.enabled ? 'Automatic memory cleanups resumed.' : 'Automatic memory cleanups paused (operator cleanups still run).');
      return memory.status();
    },
  };
}
