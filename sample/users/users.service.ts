import { randomBytes, scrypt, timingSafeEqual, type BinaryLike, type ScryptOptions } from 'node:crypto';
import { Injectable } from '@nestjs/common';

export interface User {
  id: number;
  username: string;
}

/**
 * Demo cost: low enough to keep the sample's login benchmarkable. A real app should use its password
 * library's recommended parameters (e.g. argon2id or scrypt with N >= 2^17).
 */
const SCRYPT_OPTIONS: ScryptOptions = { N: 1024, r: 8, p: 1 };

function hash(password: BinaryLike, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, 32, SCRYPT_OPTIONS, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

interface StoredUser extends User {
  salt: Buffer;
  passwordHash: Promise<Buffer>;
}

/** The two demo users, with hashed passwords compared in constant time. */
@Injectable()
export class UsersService {
  private readonly users = new Map<string, StoredUser>(
    [
      { id: 1, username: 'alice', password: 'wonderland' },
      { id: 2, username: 'bob', password: 'builder' },
    ].map(({ password, ...user }) => {
      const salt = randomBytes(16);
      return [user.username, { ...user, salt, passwordHash: hash(password, salt) }];
    }),
  );
  /** Unknown usernames are hashed too, so response time doesn't reveal which usernames exist. */
  private readonly decoy: StoredUser = { id: 0, username: '', salt: randomBytes(16), passwordHash: hash(randomBytes(16), randomBytes(16)) };

  /** The user, if the password matches. */
  async verifyCredentials(username: string, password: string): Promise<User | undefined> {
    const user = this.users.get(username) ?? this.decoy;
    const matches = timingSafeEqual(await hash(password, user.salt), await user.passwordHash);
    return matches && user !== this.decoy ? { id: user.id, username: user.username } : undefined;
  }
}
