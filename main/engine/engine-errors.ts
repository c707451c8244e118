import { ContractError } from '../contract/api.ts';
import { StackError, maskSecretsInText } from '../stack/index.ts';
import { WorkloadProfileError } from '../workload/index.ts';
import { CacheConfigError } from './cache-session.ts';
import { PoolError } from '../pool/index.ts';
import { DemoSchemaNotOursError } from '../demo/index.ts';

/**
 * Every error leaving the engine becomes a ContractError with a stable code and, where
 * we know one, a next step for the user. Unknown errors keep their message.
 */
export function toContractError(error: unknown): ContractError {
  if (error instanceof ContractError) return error;
  // Connection errors may quote a URL or a driver message that does: mask before anything shows them.
  if (error instanceof StackError) return new ContractError(error.code, maskSecretsInText(error.message), error.hint);
  if (error instanceof PoolError) return new ContractError(`pool-${error.code}`, error.message, error.hint);
  if (error instanceof DemoSchemaNotOursError) return new ContractError(error.code, error.message, error.hint);
  if (error instanceof CacheConfigError) return new ContractError('cache-tier-missing', error.message, error.hint);
  if (error instanceof WorkloadProfileError) {
    return new ContractError('bad-workload-profile', error.message, 'Fix the profile file at the line named and start the workload again.');
  }
  const pgCode = (error as { code?: unknown }).code;
  if (pgCode === '42P01') {
    return new ContractError(
      'missing-relation',
      (error as Error).message,
      'The demo workload needs the demo schema: seed it first (hotpath serve --seed, or the demo.seed command).',
    );
  }
  return new ContractError('internal', maskSecretsInText(error instanceof Error ? error.message : String(error)));
}
