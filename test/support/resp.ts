/**
 * A tiny one-shot RESP2 client for the test harness. The harness deliberately avoids ioredis: it must poll
 * servers that are still starting or already gone, and a fresh socket per call has no reconnect state that
 * could hide (or cause) a problem in the code under test.
 */
import { connect } from 'node:net';

/** A decoded RESP2 reply. Error replies reject instead. */
export type RespReply = string | number | null | RespReply[];

/** Thrown for `-ERR ...` replies. */
export class RespReplyError extends Error {}

/** Encodes a command as a RESP2 array of bulk strings. */
function encode(args: ReadonlyArray<string | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const value = Buffer.from(String(arg));
    parts.push(Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parses one reply at `offset`; returns undefined while the buffer holds only part of it. */
function parse(buffer: Buffer, offset: number): { value: RespReply | RespReplyError; next: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', offset);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[offset]);
  const line = buffer.toString('utf8', offset + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case '+':
      return { value: line, next: afterLine };
    case '-':
      return { value: new RespReplyError(line), next: afterLine };
    case ':':
      return { value: Number(line), next: afterLine };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next: afterLine };
      if (buffer.length < afterLine + length + 2) return undefined;
      return { value: buffer.toString('utf8', afterLine, afterLine + length), next: afterLine + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next: afterLine };
      const items: RespReply[] = [];
      let next = afterLine;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, next);
        if (!item) return undefined;
        if (item.value instanceof RespReplyError) return item;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

/**
 * Sends one command to 127.0.0.1:`port` on a fresh connection and resolves with the reply. Rejects on
 * connection errors, error replies and after `timeoutMs`.
 */
export function respCommand(
  port: number,
  args: ReadonlyArray<string | number>,
  timeoutMs = 2000,
  host = '127.0.0.1',
): Promise<RespReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error(`${args[0]} to port ${port} timed out after ${timeoutMs} ms`)), timeoutMs);
    const finish = (error: Error | undefined, value?: RespReply): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value ?? null);
    };
    socket.on('connect', () => socket.write(encode(args)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      let reply;
      try {
        reply = parse(received, 0);
      } catch (error) {
        finish(error as Error);
        return;
      }
      if (!reply) return;
      if (reply.value instanceof RespReplyError) finish(reply.value);
      else finish(undefined, reply.value);
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error(`connection to port ${port} closed before a reply to ${args[0]}`)));
  });
}
