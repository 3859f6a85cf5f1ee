/**
 * What the README's examples leave to the reader's own app: declared here, so that everything else an example
 * uses has to be imported by the example itself. Keep this to the reader's things; nothing from a package. Only
 * readme-examples.spec.ts compiles it (tsconfig.json excludes it, so these globals never hide a missing import
 * elsewhere).
 */
import type { Type } from '@nestjs/common';
import type { TokenTransport, UserId } from 'nestjs-charon';

declare global {
  /** The app's root module. */
  const AppModule: Type<unknown>;

  /** The app's user lookup. */
  class UsersService {
    verifyCredentials(username: string, password: string): Promise<{ id: UserId; role: string } | undefined>;
  }

  /** The app's login body. */
  class LoginDto {
    username: string;
    password: string;
    tokenTransport?: TokenTransport;
    deviceName?: string;
    deviceId?: string;
  }

  /** The app's metrics client. */
  const metrics: { increment(name: string, tags?: Record<string, unknown>): void };
}
