import net from 'node:net';
import { expect } from 'vitest';
import { StackError } from '../../../../main/stack/stack-errors.ts';
import type { StackErrorCode } from '../../../../main/stack/stack-errors.ts';
import { isProcessAlive } from '../../../../main/util/process-probe.ts';

/** A loopback TCP server that accepts connections and never says a word: what a black-holing firewall looks like to a client. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Awaits the promise, expecting a StackError with this code; returns it for further checks. */
export async function expectStackError(promise: Promise<unknown>, code: StackErrorCode): Promise<StackError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a StackError '${code}'`).toBeInstanceOf(StackError);
  expect((error as StackError).code, (error as Error).message).toBe(code);
  expect((error as StackError).hint.length).toBeGreaterThan(10);
  return error as StackError;
}

export async function aliveAmong(pids: number[]): Promise<number[]> {
  const alive: number[] = [];
  for (const pid of pids) if (await isProcessAlive(pid)) alive.push(pid);
  return alive;
}
