/**
 * Messages between the engine's thread and the plan selector's thread (planner-thread.ts ⇄ planner-thread-worker.ts).
 * Every request has an id and gets exactly one reply with that id; the worker also sends log lines.
 */

import type pg from 'pg';
import type { PlannerStatusPayload } from '../contract/planner.ts';
import type { HybridTemplateSpec, ExecutionTiming } from '../workload/index.ts';

/** What the worker starts with: how to reach the stack's database. */
export interface PlannerThreadData {
  connection: pg.ClientConfig;
}

export type PlannerRequest =
  | { id: number; method: 'status' }
  | { id: number; method: 'retrain' }
  | { id: number; method: 'reset' }
  | { id: number; method: 'close' }
  /** Memory pressure: the reply is the bytes the dropped caches held. */
  | { id: number; method: 'releaseCaches' }
  /** A workload's hybrid templates: the reply is the target's number, for `execute`. */
  | { id: number; method: 'openTarget'; templates: HybridTemplateSpec[]; seed: number }
  | { id: number; method: 'closeTarget'; target: number }
  | { id: number; method: 'execute'; target: number; template: number };

/** The value each method replies with. */
export interface PlannerReplies {
  status: PlannerStatusPayload;
  retrain: PlannerStatusPayload;
  reset: PlannerStatusPayload;
  close: null;
  releaseCaches: number;
  openTarget: number;
  closeTarget: null;
  execute: ExecutionTiming;
}

export type PlannerMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'log'; level: 'info' | 'warn'; message: string };
