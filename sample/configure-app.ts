import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BodyParserErrorFilter } from './body-parser-error.filter';

/** Body limit of the sample: logins are small. Larger bodies get 413. */
const BODY_LIMIT = '16kb';

/**
 * The app-wide setup main.ts and the tests share: JSON bodies only (a plain HTML form can't log anyone in), and
 * strict validation (unknown fields rejected).
 */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useBodyParser('json', { limit: BODY_LIMIT });
  app.useGlobalFilters(new BodyParserErrorFilter(app.get(HttpAdapterHost)));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true }));
}
