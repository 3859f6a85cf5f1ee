import { Logger, Module } from '@nestjs/common';
import { CharonModule, memorySessionStore, type CharonModuleOptions } from 'nestjs-charon';
import { redisSessionStore } from 'nestjs-charon/redis';
import { AuthController } from './auth/auth.controller';
import { MeController } from './me.controller';
import { UsersModule } from './users/users.module';

const DEV_SECRET = 'nestjs-charon sample development secret: never use in production';

function seconds(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  return Number(value);
}

/** The sample's configuration from the environment (see the README's sample section). */
export function charonOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): CharonModuleOptions {
  const logger = new Logger('Sample');
  if (!env.CHARON_SECRET) logger.warn('CHARON_SECRET is not set: using a development secret. Never do this in production.');
  const sessionTtl = env.SESSION_TTL === 'infinite' ? 'infinite' : seconds('SESSION_TTL');
  return {
    tokenIssuer: 'nestjs-charon-sample',
    baseSecret: env.CHARON_SECRET || DEV_SECRET,
    accessTokenTtl: seconds('ACCESS_TOKEN_TTL'),
    refreshTokenTtl: seconds('REFRESH_TOKEN_TTL'),
    sessionTtl,
    refreshCycle: seconds('REFRESH_CYCLE') ?? 5,
    store: env.REDIS_URL ? redisSessionStore({ url: env.REDIS_URL }) : memorySessionStore(),
    jwt: env.JWT_KEY ? { keyset: { default: { alg: 'HS256', key: Buffer.from(env.JWT_KEY, 'base64url') } }, signingKey: 'default' } : undefined,
  };
}

@Module({
  imports: [CharonModule.forRootAsync({ useFactory: () => charonOptionsFromEnv() }), UsersModule],
  controllers: [AuthController, MeController],
})
export class AppModule {}
