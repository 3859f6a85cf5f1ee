'use strict';
/**
 * The baseline: the same GET /me route and response shape in a plain Nest app with no authentication at all
 * (no CharonModule, no guard). Clients still send the same Authorization header.
 *
 * GET /me-noop-guard is the floor of any Nest guard: a guard that only reads the Authorization header and returns
 * true, and the same two custom parameter decorators the nestjs-charon route uses. What it costs over GET /me is
 * Nest's guard and parameter pipeline, which every guard-based library pays.
 */
const { Controller, Get, Injectable, Module, UseGuards, createParamDecorator } = require('@nestjs/common');
const { decorateClass, decorateMethod, serve } = require('./nest-js');

const BODY = { userId: 123456, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', sessionType: 'full', tokenTransport: 'bearer' };
const STATE = Symbol('noop-guard-state');

class NoopGuard {
  canActivate(context) {
    const request = context.switchToHttp().getRequest();
    request[STATE] = { authorization: typeof request.headers.authorization === 'string', transport: 'bearer' };
    return true;
  }
}
decorateClass(NoopGuard, [Injectable()]);

const StateParam = createParamDecorator((_data, context) => context.switchToHttp().getRequest()[STATE]);
const TransportParam = createParamDecorator((_data, context) => context.switchToHttp().getRequest()[STATE]?.transport);

class MeController {
  me() {
    return BODY;
  }
}
decorateMethod(MeController, 'me', [Get()]);
decorateClass(MeController, [Controller('me')]);

class NoopGuardController {
  me(state, transport) {
    return state.authorization ? { ...BODY, tokenTransport: transport } : BODY;
  }
}
decorateMethod(NoopGuardController, 'me', [Get(), UseGuards(NoopGuard)], [[StateParam()], [TransportParam()]]);
decorateClass(NoopGuardController, [Controller('me-noop-guard')]);

class AppModule {}
decorateClass(AppModule, [Module({ controllers: [MeController, NoopGuardController], providers: [NoopGuard] })]);

serve(AppModule).catch((error) => {
  console.error(error);
  process.exit(1);
});
