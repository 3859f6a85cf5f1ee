'use strict';
/**
 * The baselines GET /me is compared with, shared by the plain app and the guard-breakdown app: the answer of a
 * route without authentication, and the floor of any Nest guard (a guard that only reads the Authorization header
 * and returns true, plus two custom parameter decorators, as many as the nestjs-charon route uses).
 */
const { Injectable, UseGuards, createParamDecorator } = require('@nestjs/common');
const { decorateClass } = require('./nest-js');

/** What the unguarded routes answer: the shape and size of nestjs-charon's GET /me answer. */
const OPEN_BODY = { userId: 123456, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', sessionType: 'full', tokenTransport: 'bearer' };
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

/** Method decorators of a no-op-guarded handler, and its parameter decorators (for `decorateMethod`). */
const noopGuarded = (route) => [[route, UseGuards(NoopGuard)], [[StateParam()], [TransportParam()]]];

/** What a no-op-guarded handler answers, from its two parameters. */
const noopGuardAnswer = (state, transport) => (state.authorization ? { ...OPEN_BODY, tokenTransport: transport } : OPEN_BODY);

module.exports = { NoopGuard, OPEN_BODY, noopGuardAnswer, noopGuarded };
