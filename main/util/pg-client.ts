import pg from 'pg';

/**
 * Runs `work` on a short-lived client and always ends it. A connection lost mid-work (a server restart, an
 * administrator ending the session) fails the query in flight, which `work` sees; without the listener the client's
 * 'error' event would also end the process. Ending a broken client may fail as well: that must not hide `work`'s error.
 */
export async function withClient<T>(config: pg.ClientConfig | string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(typeof config === 'string' ? { connectionString: config } : config);
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
