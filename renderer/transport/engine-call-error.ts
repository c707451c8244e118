import type { EngineErrorPayload } from '../../main/contract/status.ts';

/** An engine error as the renderer sees it: a stable code, a message, and what to do next. */
export class EngineCallError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  constructor(payload: EngineErrorPayload) {
    super(payload.message);
    this.name = 'EngineCallError';
    this.code = payload.code;
    this.hint = payload.hint;
  }
}
