/** A workload file that cannot be read as statements: `message` names the place (file:line) and what is wrong there. */
export class WorkloadSourceError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'WorkloadSourceError';
  }
}
