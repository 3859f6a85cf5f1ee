import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import createHttpError from 'http-errors';

/** Body limit of the sample: logins are small. Larger bodies get 413. */
const BODY_LIMIT = '16kb';

/**
 * Deepest array/object nesting accepted. The sample's bodies are flat; recursive code after the parser
 * (class-transformer, class-validator) overflows the stack on a few thousand levels, which a 16 kB body holds.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, brackets in strings not counted. One pass
 * over the bytes, no parsing. UTF-8 only: no byte of a multi-byte UTF-8 character is ASCII, so every bracket,
 * quote and backslash byte seen is one.
 */
export function nestsDeeperThan(json: Buffer, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === 0x5c /* \ */) i++;
      else if (byte === 0x22 /* " */) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b /* [ */ || byte === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (byte === 0x5d /* ] */ || byte === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** body-parser's check of the raw (inflated) body, before JSON.parse. */
function checkRawBody(_request: IncomingMessage, _response: ServerResponse, body: Buffer, charset: string): void {
  // RFC 8259 §8.1: JSON between systems is UTF-8. Other charsets would also defeat the byte scan below.
  if (charset !== 'utf-8' && charset !== 'utf8') throw createHttpError(415, `unsupported charset "${charset.toUpperCase()}"`);
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) throw createHttpError(400, `request body nests deeper than ${MAX_JSON_DEPTH} levels`);
}

/**
 * JSON.parse reviver refusing keys that name `Object.prototype` members (`__proto__`, `constructor`, `toString`,
 * ...) or `prototype`. class-transformer drops such keys without a word, so the validation whitelist never sees
 * them and a body carrying them would pass as valid; elsewhere they are the stuff of prototype pollution. No body
 * of this API has them.
 */
function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === 'prototype' || key in Object.prototype) throw createHttpError(400, `property ${key} should not exist`);
  return value;
}

/** A client error from body parsing: an object with a 4xx `status`, as http-errors and body-parser make them. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 500 ? status : undefined;
}

/**
 * Answers body-parsing failures (bad JSON, bad Content-Encoding, too large, too deep) in Nest's
 * `{statusCode, message, error}` shape, without logging: they are the client's errors, not the server's. An
 * Express error handler right after the parser rather than a Nest filter, because decompression errors come
 * from node:zlib as plain `Error`s carrying a status: no exception filter matches them by class, so Nest would
 * answer without `error` and log them as server errors with a stack trace.
 */
function answerBodyErrors(error: unknown, _request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void): void {
  const status = clientErrorStatus(error);
  if (status === undefined) return next(error);
  const { message, expose } = error as { message?: unknown; expose?: unknown };
  const reason = STATUS_CODES[status] ?? 'Bad Request';
  const body = { statusCode: status, message: expose === true && typeof message === 'string' ? message : reason, error: reason };
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

/** JSON bodies only (a plain HTML form can't log anyone in), bounded in size and depth, errors answered as 4xx. */
export function useJsonBody(app: NestExpressApplication): void {
  app.useBodyParser('json', { limit: BODY_LIMIT, verify: checkRawBody, reviver: rejectPrototypeKeys });
  app.use(answerBodyErrors);
}
