'use strict';
/**
 * The setup NestJS users would otherwise write, as the NestJS authentication docs show it: @nestjs/jwt
 * (`JwtModule.register({ secret, signOptions: { expiresIn } })`) issues HS256 tokens, @nestjs/passport +
 * passport-jwt (`ExtractJwt.fromAuthHeaderAsBearerToken()`, `ignoreExpiration: false`, `secretOrKey`) verifies
 * them, `@UseGuards(AuthGuard('jwt'))` protects GET /me. Tokens carry the same claims as nestjs-charon's.
 *
 * Env: BENCH_PASSPORT_SECRET (the secret string), BENCH_PASSPORT_KEYOBJECT=1 to hand passport-jwt a
 * `crypto.createSecretKey()` KeyObject instead of the string (not the documented setup; a tuned variant).
 */
const crypto = require('node:crypto');
const { Body, Controller, Get, Injectable, Module, Post, Req, UseGuards } = require('@nestjs/common');
const { JwtModule, JwtService } = require('@nestjs/jwt');
const { AuthGuard, PassportModule, PassportStrategy } = require('@nestjs/passport');
const { ExtractJwt, Strategy } = require('passport-jwt');
const { decorateClass, decorateMethod, serve } = require('./nest-js');

const SECRET = process.env.BENCH_PASSPORT_SECRET;
const VERIFY_KEY = process.env.BENCH_PASSPORT_KEYOBJECT === '1' ? crypto.createSecretKey(Buffer.from(SECRET, 'utf8')) : SECRET;

class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), ignoreExpiration: false, secretOrKey: VERIFY_KEY });
  }

  validate(payload) {
    return { userId: payload.sub, sessionId: payload.sid, sessionType: payload.styp };
  }
}
decorateClass(JwtStrategy, [Injectable()]);

class MeController {
  me(request) {
    return { ...request.user, tokenTransport: 'bearer' };
  }
}
decorateMethod(MeController, 'me', [Get(), UseGuards(AuthGuard('jwt'))], [[Req()]]);
decorateClass(MeController, [Controller('me')]);

class AuthController {
  constructor(jwtService) {
    this.jwtService = jwtService;
  }

  /** Issues a token with nestjs-charon's claims (exp and iat come from @nestjs/jwt). */
  login(body) {
    const match = /^user(\d{1,4})$/.exec(body && body.username);
    const now = Math.floor(Date.now() / 1000);
    const id = () => crypto.randomBytes(16).toString('base64url');
    const payload = { iss: 'https://api.example.com', nbf: now, sid: id(), sub: Number(match[1]), styp: 'full', jti: id(), type: 'access' };
    return { tokens: { accessToken: this.jwtService.sign(payload) } };
  }
}
decorateMethod(AuthController, 'login', [Post('login')], [[Body()]]);
decorateClass(AuthController, [Controller('auth')], [JwtService]);

class AppModule {}
decorateClass(AppModule, [
  Module({
    imports: [PassportModule, JwtModule.register({ secret: SECRET, signOptions: { expiresIn: '15m' } })],
    controllers: [MeController, AuthController],
    providers: [JwtStrategy],
  }),
]);

serve(AppModule).catch((error) => {
  console.error(error);
  process.exit(1);
});
