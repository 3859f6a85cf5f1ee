'use strict';
/**
 * The baseline: the same GET /me route and response shape in a plain Nest app with no authentication at all
 * (no CharonModule, no guard). Clients still send the same Authorization header.
 */
const { Controller, Get, Module } = require('@nestjs/common');
const { decorateClass, decorateMethod, serve } = require('./nest-js');

class MeController {
  me() {
    return { userId: 123456, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', sessionType: 'full', tokenTransport: 'bearer' };
  }
}
decorateMethod(MeController, 'me', [Get()]);
decorateClass(MeController, [Controller('me')]);

class AppModule {}
decorateClass(AppModule, [Module({ controllers: [MeController] })]);

serve(AppModule).catch((error) => {
  console.error(error);
  process.exit(1);
});
