'use strict';
/**
 * Nest without a TypeScript compiler: applies decorators the way `tsc --experimentalDecorators
 * --emitDecoratorMetadata` output does (`__decorate`, `__param`, `__metadata`), so the benchmark apps are plain JS
 * that run the compiled library exactly as a user's compiled app would.
 */
require('reflect-metadata');

/** Class decorators, plus constructor parameter types for dependency injection (`design:paramtypes`). */
function decorateClass(target, decorators, paramTypes = []) {
  Reflect.defineMetadata('design:paramtypes', paramTypes, target);
  const decorated = Reflect.decorate(decorators, target);
  return decorated;
}

/**
 * Method decorators and parameter decorators of `target.prototype[method]`.
 * `params` is an array, by parameter index, of arrays of parameter decorators.
 */
function decorateMethod(target, method, decorators, params = []) {
  const prototype = target.prototype;
  const all = [...decorators];
  params.forEach((list, index) => {
    for (const decorator of list ?? []) all.push((t, key) => decorator(t, key, index));
  });
  all.push(Reflect.metadata('design:paramtypes', params.map(() => Object)));
  const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
  const result = Reflect.decorate(all, prototype, method, descriptor);
  Object.defineProperty(prototype, method, result ?? descriptor);
}

/** `express` (Nest's default) or `fastify`, from BENCH_PLATFORM. */
const platform = process.env.BENCH_PLATFORM || 'express';
if (platform !== 'express' && platform !== 'fastify') throw new Error(`BENCH_PLATFORM must be express or fastify, got ${platform}`);

/**
 * Boots `AppModule` on 127.0.0.1 (a free port) on the BENCH_PLATFORM adapter and reports `{ ready: true, port }`
 * to the parent over IPC; exits when the parent says so or goes away. `configure(app)` may be async (Fastify
 * plugins are registered with `await app.register(...)`).
 */
async function serve(AppModule, { configure } = {}) {
  const { NestFactory } = require('@nestjs/core');
  const options = { logger: ['error', 'warn'] };
  const app =
    platform === 'fastify'
      ? await NestFactory.create(AppModule, new (require('@nestjs/platform-fastify').FastifyAdapter)(), options)
      : await NestFactory.create(AppModule, options);
  if (configure) await configure(app);
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const stop = async () => {
    try {
      await app.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('message', (message) => {
    if (message && message.type === 'exit') void stop();
    // CPU time this process has used (µs): the parent reads it before and after a load run to get the server's
    // CPU cost per request, a figure that other processes competing for the core disturb far less than req/s.
    if (message && message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send({ cpu_us: user + system });
    }
  });
  process.on('disconnect', () => void stop());
  if (process.send) process.send({ ready: true, port, pid: process.pid });
  else console.log(`listening on http://127.0.0.1:${port}`);
}

module.exports = { decorateClass, decorateMethod, platform, serve };
