import { createStore, type StoreApi } from 'zustand/vanilla';
import { hintOf, toError } from './to-error.ts';

export type NotificationTone = 'error' | 'warning' | 'info';

export interface Notification {
  id: number;
  tone: NotificationTone;
  title: string;
  message: string;
  hint?: string;
}

/** Older notifications give way: an operator console must not fill up with stale alarms. */
export const MAX_NOTIFICATIONS = 4;

export interface NotificationsState {
  items: Notification[];
  push(notification: Omit<Notification, 'id'>): number;
  /** An error with its engine message and hint, under a title saying what failed. */
  pushError(title: string, error: unknown): number;
  dismiss(id: number): void;
}

export type NotificationsStore = StoreApi<NotificationsState>;

/** Errors and notices that belong to no one form field: engine log errors, failed background loads. */
export function createNotificationsStore(): NotificationsStore {
  let nextId = 1;
  return createStore<NotificationsState>()((set, get) => ({
    items: [],
    push(notification) {
      const id = nextId++;
      set({ items: [...get().items, { ...notification, id }].slice(-MAX_NOTIFICATIONS) });
      return id;
    },
    pushError(title, error) {
      const e = toError(error);
      const hint = hintOf(e);
      return get().push(
        hint === undefined ? { tone: 'error', title, message: e.message } : { tone: 'error', title, message: e.message, hint },
      );
    },
    dismiss(id) {
      set({ items: get().items.filter((n) => n.id !== id) });
    },
  }));
}
