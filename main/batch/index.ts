/** The adaptive batch processor (gradient control law, bisection of failed batches). */
export { AdaptiveBatchProcessor } from './adaptive-batch-processor.ts';
export { type BatchProcessorOptions, resolveBatchOptions } from './batch-options.ts';
