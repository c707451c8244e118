import type { EventName, EventPayload } from '../contract/events.ts';

type Handler<E extends EventName> = (payload: EventPayload<E>) => void;

/** Typed fan-out of engine events to every subscribed host. A throwing subscriber never breaks the others. */
export class EventBus {
  private readonly handlers = new Map<EventName, Set<Handler<never>>>();

  subscribe<E extends EventName>(event: E, handler: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => set.delete(handler as Handler<never>);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        (handler as Handler<E>)(payload);
      } catch (error) {
        console.error(`hotpath: a subscriber of ${event} failed:`, error);
      }
    }
  }
}
