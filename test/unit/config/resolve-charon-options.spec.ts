import type { LoggerService } from '@nestjs/common';
import { CharonConfig } from '../../../src/config/charon-config';
import type { CharonModuleOptions } from '../../../src/config/charon-module-options';
import { DEFAULT_COOKIE_ATTRIBUTES } from '../../../src/config/cookie-attributes';
import { resolveCharonOptions } from '../../../src/config/resolve-charon-options';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import { deriveKey } from '../../../src/tokens/key-derivation';
import { defaultJwtTokenFactoryOptions } from '../../../src/tokens/jwt/jwt-keyset';
import { JwtTokenFactory } from '../../../src/tokens/jwt/jwt-token-factory';

const SECRET = 'k3p8Qw0sN4bV7xZ2mL9rT6yU1iO5aD3fG8hJ0cE4';
const OTHER_SECRET = 'a7F2kL9qW4eR1tY6uI3oP8sD5gH0jZ2xC7vB4nM1';
const DAY = 24 * 60 * 60;

function fakeLogger(): jest.Mocked<LoggerService> {
  return { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
}

function options(overrides: Partial<CharonModuleOptions> = {}): CharonModuleOptions {
  return { tokenIssuer: 'https://issuer.test', baseSecret: SECRET, ...overrides };
}

/** The CharonConfigError resolve throws; fails the test if it returns or throws anything else. */
function configError(input: unknown, logger: LoggerService = fakeLogger()): CharonConfigError {
  let thrown: unknown;
  try {
    resolveCharonOptions(input as CharonModuleOptions, logger);
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof CharonConfigError)) throw new Error(`expected a CharonConfigError, got ${String(thrown)}`);
  return thrown;
}

const problemsOf = (input: unknown): string[] => configError(input).problems;

describe('resolveCharonOptions', () => {
  describe('defaults', () => {
    it('fills in every documented default', () => {
      const { config } = resolveCharonOptions(options(), fakeLogger());
      expect(config).toBeInstanceOf(CharonConfig);
      expect(config).toMatchObject({
        tokenIssuer: 'https://issuer.test',
        accessTokenTtl: 900,
        refreshTokenTtl: 5_184_000,
        sessionTtl: 31_536_000,
        refreshCycle: 5,
        accessCookieName: '_access_token_signature',
        refreshCookieName: '_refresh_token_signature',
        enforceBrowserCookies: true,
        loadSessionByDefault: false,
      });
      expect(config.accessCookie).toEqual({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
      expect(config.refreshCookie).toEqual({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    });

    it('freezes the resolved cookie attributes so no one can weaken them at runtime', () => {
      const { config } = resolveCharonOptions(options(), fakeLogger());
      expect(Object.isFrozen(config.accessCookie)).toBe(true);
      expect(Object.isFrozen(config.refreshCookie)).toBe(true);
    });

    it('generates url-safe 128-bit session ids by default', () => {
      const { config } = resolveCharonOptions(options(), fakeLogger());
      const ids = new Set(Array.from({ length: 50 }, () => config.genId()));
      expect(ids.size).toBe(50);
      for (const id of ids) {
        expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(Buffer.from(id, 'base64url')).toHaveLength(16);
      }
    });

    it('logs no warning for the defaults', () => {
      const logger = fakeLogger();
      resolveCharonOptions(options(), logger);
      expect(logger.warn).not.toHaveBeenCalled();
    });
  });

  describe('overrides', () => {
    it('takes every scalar option as given', () => {
      const genId = () => 'fixed-id';
      const { config } = resolveCharonOptions(
        options({
          accessTokenTtl: 60,
          refreshTokenTtl: 3600,
          sessionTtl: 7200,
          refreshCycle: 0,
          accessCookieName: 'at',
          refreshCookieName: 'rt',
          enforceBrowserCookies: false,
          loadSessionByDefault: true,
          genId,
        }),
        fakeLogger(),
      );
      expect(config).toMatchObject({
        accessTokenTtl: 60,
        refreshTokenTtl: 3600,
        sessionTtl: 7200,
        refreshCycle: 0,
        accessCookieName: 'at',
        refreshCookieName: 'rt',
        enforceBrowserCookies: false,
        loadSessionByDefault: true,
      });
      expect(config.genId).toBe(genId);
      expect(config.genId()).toBe('fixed-id');
    });

    it("accepts sessionTtl 'infinite'", () => {
      expect(resolveCharonOptions(options({ sessionTtl: 'infinite' }), fakeLogger()).config.sessionTtl).toBe('infinite');
    });

    it('merges cookie attributes over the secure defaults, per cookie', () => {
      const { config } = resolveCharonOptions(
        options({
          accessCookieOptions: { sameSite: 'Lax', domain: 'example.com' },
          refreshCookieOptions: { path: '/auth/refresh', httpOnly: false },
        }),
        fakeLogger(),
      );
      expect(config.accessCookie).toEqual({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/', domain: 'example.com' });
      expect(config.refreshCookie).toEqual({ httpOnly: false, secure: true, sameSite: 'Strict', path: '/auth/refresh' });
    });

    it('accepts SameSite=None together with Secure', () => {
      const { config } = resolveCharonOptions(options({ accessCookieOptions: { sameSite: 'None', secure: true } }), fakeLogger());
      expect(config.accessCookie.sameSite).toBe('None');
    });

    it('leaves the shared defaults untouched', () => {
      resolveCharonOptions(options({ accessCookieOptions: { sameSite: 'Lax', secure: false } }), fakeLogger());
      expect(DEFAULT_COOKIE_ATTRIBUTES).toEqual({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    });

    it('accepts the base secret as bytes or from a getter, read once', () => {
      const getter = jest.fn(() => SECRET);
      expect(() => resolveCharonOptions(options({ baseSecret: new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256) }), fakeLogger())).not.toThrow();
      expect(() => resolveCharonOptions(options({ baseSecret: getter }), fakeLogger())).not.toThrow();
      expect(getter).toHaveBeenCalledTimes(1);
    });

    it('counts the secret length in UTF-8 bytes, not characters', () => {
      // 16 two-byte characters are 32 bytes: long enough.
      expect(() => resolveCharonOptions(options({ baseSecret: 'éèêëàâäîïôöùûüçñ' }), fakeLogger())).not.toThrow();
      expect(problemsOf(options({ baseSecret: 'é'.repeat(15) }))).toEqual([
        'baseSecret must be at least 32 bytes (got 30); generate one with: openssl rand -base64 48',
      ]);
    });
  });

  describe('invalid options', () => {
    it('reports every problem together in one CharonConfigError', () => {
      const error = configError({
        tokenIssuer: '',
        baseSecret: 'short',
        accessTokenTtl: -1,
        refreshTokenTtl: 1.5,
        sessionTtl: 0,
        refreshCycle: -1,
        accessCookieName: 'a b',
        refreshCookieName: 'a;b',
        accessCookieOptions: { sameSite: 'Loose', path: 'x', domain: 'a,b', httpOnly: 'yes' },
        refreshCookieOptions: 5,
        enforceBrowserCookies: 'no',
        loadSessionByDefault: 1,
        genId: 'x',
      });
      expect(error.code).toBe('ERR_CHARON_CONFIG');
      expect(error.problems).toEqual([
        'tokenIssuer should not be empty',
        'accessTokenTtl must be a positive number',
        'refreshTokenTtl must be an integer number',
        'sessionTtl must be a positive integer or "infinite"',
        'refreshCycle must not be less than 0',
        'accessCookieName must be a valid cookie name',
        'refreshCookieName must be a valid cookie name',
        'enforceBrowserCookies must be a boolean value',
        'loadSessionByDefault must be a boolean value',
        'accessCookieOptions.httpOnly must be a boolean value',
        'accessCookieOptions.sameSite must be one of the following values: Strict, Lax, None',
        'accessCookieOptions.path must start with "/"',
        'accessCookieOptions.domain must be a plain domain name',
        'refreshCookieOptions must be an object',
        'baseSecret must be at least 32 bytes (got 5); generate one with: openssl rand -base64 48',
        'genId must be a function',
      ]);
      expect(error.message).toBe(`Invalid nestjs-charon configuration:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    });

    it.each<[string, Record<string, unknown>, string | string[]]>([
      ['negative accessTokenTtl', { accessTokenTtl: -900 }, 'accessTokenTtl must be a positive number'],
      ['zero accessTokenTtl', { accessTokenTtl: 0 }, 'accessTokenTtl must be a positive number'],
      ['fractional accessTokenTtl', { accessTokenTtl: 1.5 }, 'accessTokenTtl must be an integer number'],
      ['string accessTokenTtl', { accessTokenTtl: '900' }, ['accessTokenTtl must be a positive number', 'accessTokenTtl must be an integer number']],
      ['negative refreshTokenTtl', { refreshTokenTtl: -1 }, 'refreshTokenTtl must be a positive number'],
      ['infinite refreshTokenTtl', { refreshTokenTtl: Infinity }, 'refreshTokenTtl must be an integer number'],
      ['NaN refreshTokenTtl', { refreshTokenTtl: NaN }, ['refreshTokenTtl must be a positive number', 'refreshTokenTtl must be an integer number']],
      ['negative sessionTtl', { sessionTtl: -1 }, 'sessionTtl must be a positive integer or "infinite"'],
      ['fractional sessionTtl', { sessionTtl: 2.5 }, 'sessionTtl must be a positive integer or "infinite"'],
      ['fractional refreshCycle', { refreshCycle: 0.5 }, 'refreshCycle must be an integer number'],
      ['unknown sameSite', { refreshCookieOptions: { sameSite: 'strict' } }, 'refreshCookieOptions.sameSite must be one of the following values: Strict, Lax, None'],
      ['SameSite=None without Secure', { accessCookieOptions: { sameSite: 'None', secure: false } }, 'accessCookieOptions: sameSite "None" requires secure: true'],
      ['path smuggling an attribute', { accessCookieOptions: { path: '/; Domain=evil.test' } }, 'accessCookieOptions.path must match /^[\\x21-\\x2b\\x2d-\\x3a\\x3c-\\x7e]+$/ regular expression'],
      ['domain smuggling an attribute', { accessCookieOptions: { domain: 'a.test; Secure' } }, 'accessCookieOptions.domain must be a plain domain name'],
      ['non-boolean secure', { accessCookieOptions: { secure: 'true' } }, 'accessCookieOptions.secure must be a boolean value'],
      ['cookie options that are an array', { accessCookieOptions: [] }, 'accessCookieOptions must be an object'],
      ['empty cookie name', { accessCookieName: '' }, 'accessCookieName must be a valid cookie name'],
      ['cookie name with =', { refreshCookieName: 'a=b' }, 'refreshCookieName must be a valid cookie name'],
      ['equal cookie names', { accessCookieName: 'tok', refreshCookieName: 'tok' }, 'accessCookieName and refreshCookieName must differ'],
      ['a custom name equal to the other default', { accessCookieName: '_refresh_token_signature' }, 'accessCookieName and refreshCookieName must differ'],
      ['genId not a function', { genId: 'uuid' }, 'genId must be a function'],
      ['secret of the wrong type', { baseSecret: 12345 }, 'baseSecret must be a string, a Uint8Array or a function returning one'],
      ['getter returning the wrong type', { baseSecret: () => undefined }, 'baseSecret must be a string, a Uint8Array or a function returning one'],
      ['secret one byte short', { baseSecret: 'x'.repeat(31) }, 'baseSecret must be at least 32 bytes (got 31); generate one with: openssl rand -base64 48'],
      ['empty secret', { baseSecret: '' }, 'baseSecret must be at least 32 bytes (got 0); generate one with: openssl rand -base64 48'],
    ])('reports %s', (_label, overrides, problem) => {
      expect(problemsOf({ ...options(), ...overrides })).toEqual(typeof problem === 'string' ? [problem] : problem);
    });

    it('reports a missing tokenIssuer', () => {
      expect(problemsOf({ baseSecret: SECRET })).toEqual(['tokenIssuer should not be empty', 'tokenIssuer must be a string']);
    });

    it('reports a missing baseSecret', () => {
      expect(problemsOf({ tokenIssuer: 'x' })).toEqual(['baseSecret must be a string, a Uint8Array or a function returning one']);
    });

    it.each([null, undefined, 'options', 42])('refuses %p as options', (input) => {
      expect(problemsOf(input)).toEqual(['options must be an object']);
    });

    it('keeps secret material out of the error when the secret getter throws', () => {
      const error = configError(
        options({
          baseSecret: () => {
            throw new RangeError(`vault answered ${SECRET}`);
          },
        }),
      );
      expect(error.problems).toEqual(['baseSecret getter threw: RangeError']);
      expect(error.message).not.toContain(SECRET);
      expect(JSON.stringify(error.getResponse())).not.toContain(SECRET);
    });

    it('keeps a too-short secret out of the error', () => {
      const shortSecret = 'hunter2-password';
      const error = configError(options({ baseSecret: shortSecret }));
      expect(error.message).not.toContain(shortSecret);
      expect(error.problems.join('\n')).not.toContain(shortSecret);
    });

    it('reports keyset problems together with the other problems', () => {
      const error = configError(
        options({
          accessTokenTtl: -1,
          jwt: { keyset: (derive) => ({ short: { alg: 'HS256', key: derive('short', 16) } }), signingKey: 'short' },
        }),
      );
      expect(error.problems).toEqual([
        'accessTokenTtl must be a positive number',
        'jwt keyset kid "short": HS256 key is 16 bytes; it must be at least 32 bytes (the sha256 output size)',
      ]);
    });

    it('reports a keyset function that throws by its message', () => {
      const keyset = () => {
        throw new Error('no such key in the vault');
      };
      expect(problemsOf(options({ jwt: { keyset } }))).toEqual(['jwt: no such key in the vault']);
    });

    it('reports a signing key missing from a custom keyset', () => {
      const keyset = { a: { alg: 'HS256' as const, key: Buffer.alloc(32, 1) } };
      expect(problemsOf(options({ jwt: { keyset } }))).toEqual(['jwt signingKey "default" is not in the keyset (kids: "a")']);
      expect(problemsOf(options({ jwt: { keyset, signingKey: 'b' } }))).toEqual(['jwt signingKey "b" is not in the keyset (kids: "a")']);
    });

    it('warns about nothing when the configuration is refused', () => {
      const logger = fakeLogger();
      configError(options({ accessTokenTtl: 7200, refreshTokenTtl: 365 * DAY, baseSecret: 'short' }), logger);
      expect(logger.warn).not.toHaveBeenCalled();
    });
  });

  describe('lifetime warnings', () => {
    it('does not warn at the advised limits (1 hour, 180 days)', () => {
      const logger = fakeLogger();
      resolveCharonOptions(options({ accessTokenTtl: 3600, refreshTokenTtl: 180 * DAY }), logger);
      expect(logger.warn).not.toHaveBeenCalled();
    });

    it('warns when access tokens live longer than an hour', () => {
      const logger = fakeLogger();
      resolveCharonOptions(options({ accessTokenTtl: 3601 }), logger);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        'accessTokenTtl is 3601s: access tokens cannot be revoked before they expire; keep them short (<= 3600s, default 900s) or load the session on every request.',
      );
    });

    it('warns when refresh tokens live longer than 180 days', () => {
      const logger = fakeLogger();
      resolveCharonOptions(options({ refreshTokenTtl: 180 * DAY + 1 }), logger);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).toHaveBeenCalledWith(
        'refreshTokenTtl is 15552001s: idle sessions stay usable that long; OWASP advises short idle timeouts, and more than 6 months is rarely right.',
      );
    });

    it('warns about both, and never mentions the secret', () => {
      const logger = fakeLogger();
      resolveCharonOptions(options({ accessTokenTtl: 86_400, refreshTokenTtl: 365 * DAY }), logger);
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(SECRET);
    });
  });

  describe('keys', () => {
    const claims = { sub: 1, type: 'access' };

    it('derives the same keys from the same secret, so tokens survive a restart', () => {
      const first = resolveCharonOptions(options(), fakeLogger());
      const second = resolveCharonOptions(options({ baseSecret: () => Buffer.from(SECRET) }), fakeLogger());
      const token = first.tokenFactory.sign(claims);
      expect(second.tokenFactory.verify(token)).toEqual({ valid: true, payload: claims });
      expect(second.config.deriveKey('purpose')).toEqual(first.config.deriveKey('purpose'));
    });

    it('derives different keys from a different secret', () => {
      const first = resolveCharonOptions(options(), fakeLogger());
      const other = resolveCharonOptions(options({ baseSecret: OTHER_SECRET }), fakeLogger());
      expect(other.tokenFactory.verify(first.tokenFactory.sign(claims))).toEqual({ valid: false, error: 'signature invalid' });
      expect(other.config.deriveKey('purpose')).not.toEqual(first.config.deriveKey('purpose'));
    });

    it('exposes deriveKey as HKDF of the base secret, one key per purpose', () => {
      const { config } = resolveCharonOptions(options(), fakeLogger());
      const secretBytes = Buffer.from(SECRET, 'utf8');
      expect(config.deriveKey('redis hmac')).toEqual(deriveKey(secretBytes, 'redis hmac'));
      expect(config.deriveKey('redis hmac')).toHaveLength(32);
      expect(config.deriveKey('redis hmac', 64)).toEqual(deriveKey(secretBytes, 'redis hmac', 64));
      expect(config.deriveKey('redis hmac')).not.toEqual(config.deriveKey('other purpose'));
    });

    it('signs by default with one HS256 key derived from the base secret, kid "default"', () => {
      const { tokenFactory } = resolveCharonOptions(options(), fakeLogger());
      const independent = new JwtTokenFactory(defaultJwtTokenFactoryOptions((purpose, length) => deriveKey(Buffer.from(SECRET), purpose, length)));
      const token = tokenFactory.sign(claims);
      expect(independent.verify(token)).toEqual({ valid: true, payload: claims });
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'default' });
    });

    it('passes deriveKey to a keyset function and signs with the named key', () => {
      const keyset = jest.fn((derive: (purpose: string, length?: number) => Buffer) => ({
        current: { alg: 'HS512' as const, key: derive('jwt current HS512', 64) },
        previous: { alg: 'HS256' as const, key: derive('jwt previous HS256') },
      }));
      const { tokenFactory, config } = resolveCharonOptions(options({ jwt: { keyset, signingKey: 'current' } }), fakeLogger());
      expect(keyset).toHaveBeenCalledTimes(1);
      expect(keyset.mock.calls[0][0]('probe', 16)).toEqual(config.deriveKey('probe', 16));

      const token = tokenFactory.sign(claims);
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: 'HS512', typ: 'JWT', kid: 'current' });
      const independent = new JwtTokenFactory({
        keyset: { current: { alg: 'HS512', key: deriveKey(Buffer.from(SECRET), 'jwt current HS512', 64) } },
        signingKey: 'current',
      });
      expect(independent.verify(token)).toEqual({ valid: true, payload: claims });
    });

    it('verifies tokens of every kid in a static keyset (rotation)', () => {
      const oldKey = Buffer.alloc(32, 1);
      const newKey = Buffer.alloc(32, 2);
      const before = resolveCharonOptions(options({ jwt: { keyset: { old: { alg: 'HS256', key: oldKey } }, signingKey: 'old' } }), fakeLogger());
      const after = resolveCharonOptions(
        options({ jwt: { keyset: { old: { alg: 'HS256', key: oldKey }, new: { alg: 'HS256', key: newKey } }, signingKey: 'new' } }),
        fakeLogger(),
      );
      expect(after.tokenFactory.verify(before.tokenFactory.sign(claims))).toEqual({ valid: true, payload: claims });
      expect(after.tokenFactory.signingKid).toBe('new');
    });
  });
});

describe('resolveCharonOptions: regressions', () => {
  it('keeps the secure cookie defaults when overrides are present but undefined', () => {
    const { config } = resolveCharonOptions(
      options({ accessCookieOptions: { httpOnly: undefined, secure: undefined, sameSite: undefined, path: undefined } }),
      fakeLogger(),
    );
    expect(config.accessCookie).toEqual(DEFAULT_COOKIE_ATTRIBUTES);
  });

  it('reports a jwt.signingKey that is not in the (default) keyset', () => {
    expect(problemsOf(options({ jwt: { signingKey: 'nope' } })).join('\n')).toMatch(/nope/);
  });
});
