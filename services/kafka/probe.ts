import { connect } from 'node:net';

/** A broker that answered, or why none did. */
export type ProbeResult = { ok: true; broker: string } | { ok: false; reasons: string[] };

/**
 * Checks that at least one bootstrap broker accepts a TCP connection within `timeoutMs`: a cheap,
 * fast answer at start-up, where kafkajs would retry for a minute before saying anything useful.
 */
export async function probeBrokers(
  brokers: readonly string[],
  timeoutMs = 3000,
): Promise<ProbeResult> {
  const reasons: string[] = [];
  for (const broker of brokers) {
    const idx = broker.lastIndexOf(':');
    const host = broker.slice(0, idx).replace(/^\[|\]$/g, '');
    const port = Number(broker.slice(idx + 1));
    const reason = await tryConnect(host, port, timeoutMs);
    if (reason === null) return { ok: true, broker };
    reasons.push(`${broker}: ${reason}`);
  }
  return { ok: false, reasons };
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | null) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}
