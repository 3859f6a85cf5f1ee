import { ValidationPipe, type INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { useJsonBody } from './json-body';

/**
 * The app-wide setup main.ts and the tests share: bounded JSON bodies only, strict validation (unknown fields
 * rejected), and no response metadata the routes don't need.
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  useJsonBody(express);
  // Every response here is private and per-user: an ETag only invites caches and conditional requests to keep
  // token responses around (those also say `Cache-Control: no-store`).
  express.set('etag', false);
  express.disable('x-powered-by');
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
}
