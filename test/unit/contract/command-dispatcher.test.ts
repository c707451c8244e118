import { describe, expect, it, vi } from 'vitest';
import { ContractError } from '../../../main/contract/api.ts';
import { dispatchCommand, type CommandHandlers } from '../../../main/contract/command-dispatcher.ts';

function handlers(overrides: Partial<CommandHandlers> = {}): CommandHandlers {
  const fail = () => Promise.reject(new Error('not expected in this test'));
  return {
    'engine.status': fail,
    'stack.startLocal': fail,
    'stack.connect': fail,
    'stack.disconnect': fail,
    'demo.seed': fail,
    'workload.start': fail,
    'workload.stop': fail,
    'workload.setRate': fail,
    'telemetry.history': fail,
    ...overrides,
  } as CommandHandlers;
}

describe('dispatchCommand', () => {
  it('passes validated parameters, with defaults applied, to the handler', async () => {
    const start = vi.fn().mockResolvedValue('started');
    await expect(dispatchCommand(handlers({ 'workload.start': start }), 'workload.start', { rate: 250 })).resolves.toBe('started');
    expect(start).toHaveBeenCalledWith({ profile: 'demo', rate: 250 });
  });

  it('rejects an unknown command, naming the known ones', async () => {
    const error = await dispatchCommand(handlers(), 'workload.explode', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'unknown-command' });
    expect((error as Error).message).toContain('workload.explode');
    expect((error as ContractError).hint).toContain('workload.start');
  });

  it.each([
    ['workload.setRate', { rate: -5 }, 'rate'],
    ['workload.setRate', { rate: 'fast' }, 'rate'],
    ['demo.seed', { chunks: 1.5 }, 'chunks'],
    ['stack.connect', {}, 'pgUrl'],
    ['workload.stop', { extra: true }, 'extra'],
    ['telemetry.history', { seconds: 5000 }, 'seconds'],
  ])('rejects bad parameters of %s (%j) naming the field', async (command, params, field) => {
    const handler = vi.fn();
    const error = await dispatchCommand(handlers({ [command]: handler }), command, params).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'bad-request' });
    expect((error as Error).message).toContain(field);
    expect(handler).not.toHaveBeenCalled();
  });

  it('treats missing parameters as an empty object', async () => {
    const status = vi.fn().mockResolvedValue('ok');
    await dispatchCommand(handlers({ 'engine.status': status }), 'engine.status', undefined);
    expect(status).toHaveBeenCalledWith({});
  });

  it('does not treat inherited object keys as commands', async () => {
    await expect(dispatchCommand(handlers(), 'toString', {})).rejects.toMatchObject({ code: 'unknown-command' });
  });
});
