/** Reads `hotpath_workload_latency_seconds` from Prometheus text: template → quantile → seconds. */
export function latencyQuantiles(text: string): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  const pattern = /^hotpath_workload_latency_seconds\{template="([^"]+)",quantile="([^"]+)"\} (\S+)$/gm;
  for (const [, template, quantile, value] of text.matchAll(pattern)) {
    if (!result.has(template!)) result.set(template!, new Map());
    result.get(template!)!.set(quantile!, Number(value));
  }
  return result;
}

export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
