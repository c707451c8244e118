import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../main/engine/event-bus.ts';

describe('EventBus', () => {
  it('delivers to subscribers of that event only, until they unsubscribe', () => {
    const bus = new EventBus();
    const logs: string[] = [];
    const off = bus.subscribe('engine.log', (entry) => logs.push(entry.message));
    const snapshots = vi.fn();
    bus.subscribe('telemetry.snapshot', snapshots);
    bus.emit('engine.log', { at: 1, level: 'info', message: 'one' });
    off();
    bus.emit('engine.log', { at: 2, level: 'info', message: 'two' });
    expect(logs).toEqual(['one']);
    expect(snapshots).not.toHaveBeenCalled();
  });

  it('keeps delivering to the others when one subscriber throws', () => {
    const bus = new EventBus();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const second = vi.fn();
    bus.subscribe('engine.log', () => {
      throw new Error('broken subscriber');
    });
    bus.subscribe('engine.log', second);
    bus.emit('engine.log', { at: 1, level: 'warn', message: 'x' });
    expect(second).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalled();
    error.mockRestore();
  });
});
