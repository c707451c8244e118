/** The read replicas' URLs typed in the connection form: one per line; blank lines and surrounding spaces ignored. */
export function replicaUrlsOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A profile's replicas as the form shows them: one masked URL per line. */
export function replicaText(urls: readonly string[] | undefined): string {
  return (urls ?? []).join('\n');
}
