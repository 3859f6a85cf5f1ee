'use strict';
/**
 * Token micro-benchmarks: sign and verify of a realistic access token, HS256 and EdDSA (Ed25519), with
 * nestjs-charon's JwtTokenFactory against jose, fast-jwt, jsonwebtoken and a raw node:crypto baseline.
 *
 * Every verifier checks the same token (signed by nestjs-charon, header `{"alg","typ","kid"}`); every signer
 * signs the same payload. Peers run with their default options except where noted; keys are prepared once,
 * outside the timed loop, the way a server would hold them.
 */
const crypto = require('node:crypto');
const config = require('./lib/config');
const { charon } = require('./lib/build');
const { compare } = require('./lib/micro');
const { ratio, sig } = require('./lib/stats');
const { main } = require('./lib/part');

/** The access token SessionService issues: same claims, same order, same value shapes. */
function accessPayload() {
  const now = Math.floor(Date.now() / 1000);
  const id = () => crypto.randomBytes(16).toString('base64url');
  return { iat: now, iss: 'https://api.example.com', nbf: now, sid: id(), sub: 123456, styp: 'full', jti: id(), exp: now + 900, type: 'access' };
}

function assert(condition, message) {
  if (!condition) throw new Error(`benchmark self-check failed: ${message}`);
}

/** The practical limit for HS256: what any verifier has to do at least, with nothing else. */
function rawHmac(secretKey) {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: 'default' })).toString('base64url');
  return {
    verify(token) {
      const dot1 = token.indexOf('.');
      const dot2 = token.indexOf('.', dot1 + 1);
      const expected = crypto.createHmac('sha256', secretKey).update(token.slice(0, dot2), 'latin1').digest();
      const signature = Buffer.from(token.slice(dot2 + 1), 'base64url');
      if (signature.length !== expected.length || !crypto.timingSafeEqual(signature, expected)) return null;
      return JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
    },
    sign(payload) {
      const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${input}.${crypto.createHmac('sha256', secretKey).update(input, 'latin1').digest('base64url')}`;
    },
  };
}

function rawEd25519(privateKey, publicKey) {
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: 'default' })).toString('base64url');
  return {
    verify(token) {
      const dot1 = token.indexOf('.');
      const dot2 = token.indexOf('.', dot1 + 1);
      const signature = Buffer.from(token.slice(dot2 + 1), 'base64url');
      if (!crypto.verify(null, Buffer.from(token.slice(0, dot2), 'latin1'), publicKey, signature)) return null;
      return JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
    },
    sign(payload) {
      const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return `${input}.${crypto.sign(null, Buffer.from(input, 'latin1'), privateKey).toString('base64url')}`;
    },
  };
}

async function run({ log }) {
  const { JwtTokenFactory } = charon();
  const jose = require('jose');
  const fastJwt = require('fast-jwt');
  const jsonwebtoken = require('jsonwebtoken');
  const settings = config.tokens;
  const payload = accessPayload();

  // HS256: a 43-character secret, as text for the peers that are usually given a string (jsonwebtoken,
  // fast-jwt, and @nestjs/jwt on top of jsonwebtoken), the same bytes for everyone else.
  const secretText = crypto.randomBytes(32).toString('base64url');
  const secretBytes = Buffer.from(secretText, 'utf8');
  const secretKey = crypto.createSecretKey(secretBytes);
  const charonHs = new JwtTokenFactory({ keyset: { default: { alg: 'HS256', key: secretBytes } }, signingKey: 'default' });
  const rawHs = rawHmac(secretKey);

  const ed = crypto.generateKeyPairSync('ed25519');
  const edPrivatePem = ed.privateKey.export({ type: 'pkcs8', format: 'pem' });
  const edPublicPem = ed.publicKey.export({ type: 'spki', format: 'pem' });
  const charonEd = new JwtTokenFactory({ keyset: { default: { alg: 'EdDSA', key: ed.privateKey } }, signingKey: 'default' });
  const rawEd = rawEd25519(ed.privateKey, ed.publicKey);
  // jose, "pre-imported": KeyObjects imported once (importPKCS8/importSPKI would give the same KeyObjects).
  const joseEdPrivate = await jose.importPKCS8(edPrivatePem, 'EdDSA');
  const joseEdPublic = await jose.importSPKI(edPublicPem, 'EdDSA');

  const hsToken = charonHs.sign(payload);
  const edToken = charonEd.sign(payload);

  const fastHsVerify = fastJwt.createVerifier({ key: secretText, cache: false });
  const fastHsSign = fastJwt.createSigner({ key: secretText, algorithm: 'HS256', kid: 'default' });
  const fastEdVerify = fastJwt.createVerifier({ key: edPublicPem, cache: false });
  const fastEdSign = fastJwt.createSigner({ key: edPrivatePem, algorithm: 'EdDSA', kid: 'default' });

  const checkPayload = (p, who) => assert(p && p.sub === payload.sub && p.sid === payload.sid, `${who} returned a wrong payload`);

  // Contenders. `check` runs once before timing, so a contender that silently fails cannot post a fast figure.
  const now = payload.iat;
  const hsVerify = [
    { name: 'charon', fn: () => charonHs.verify(hsToken), check: (r) => checkPayload(r.valid && r.payload, 'charon') },
    {
      // The factory checks integrity only; SessionGuard then checks nbf/exp/type/identity claims. This row adds
      // those checks, for comparison with the peers, whose verify includes claim validation.
      name: 'charon_with_claims',
      fn: () => {
        const r = charonHs.verify(hsToken);
        if (!r.valid) return null;
        const p = r.payload;
        if (typeof p.nbf !== 'number' || now < p.nbf - 5 || typeof p.exp !== 'number' || now >= p.exp + 5) return null;
        if (p.type !== 'access' || typeof p.sid !== 'string' || typeof p.styp !== 'string') return null;
        return p;
      },
      check: (r) => checkPayload(r, 'charon_with_claims'),
    },
    { name: 'raw', fn: () => rawHs.verify(hsToken), check: (r) => checkPayload(r, 'raw') },
    { name: 'jose', async: true, fn: () => jose.jwtVerify(hsToken, secretKey), check: (r) => checkPayload(r.payload, 'jose') },
    { name: 'fast_jwt', fn: () => fastHsVerify(hsToken), check: (r) => checkPayload(r, 'fast-jwt') },
    { name: 'jsonwebtoken', fn: () => jsonwebtoken.verify(hsToken, secretText), check: (r) => checkPayload(r, 'jsonwebtoken') },
    {
      name: 'jsonwebtoken_keyobject',
      fn: () => jsonwebtoken.verify(hsToken, secretKey),
      check: (r) => checkPayload(r, 'jsonwebtoken (KeyObject)'),
    },
  ];
  const checkHs = (token, who) => checkPayload(rawHs.verify(token), who);
  const hsSign = [
    { name: 'charon', fn: () => charonHs.sign(payload), check: (t) => checkHs(t, 'charon sign') },
    { name: 'raw', fn: () => rawHs.sign(payload), check: (t) => checkHs(t, 'raw sign') },
    {
      name: 'jose',
      async: true,
      fn: () => new jose.SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'default' }).sign(secretKey),
      check: (t) => checkHs(t, 'jose sign'),
    },
    { name: 'fast_jwt', fn: () => fastHsSign(payload), check: (t) => checkHs(t, 'fast-jwt sign') },
    {
      name: 'jsonwebtoken',
      fn: () => jsonwebtoken.sign(payload, secretText, { algorithm: 'HS256', keyid: 'default' }),
      check: (t) => checkHs(t, 'jsonwebtoken sign'),
    },
    {
      name: 'jsonwebtoken_keyobject',
      fn: () => jsonwebtoken.sign(payload, secretKey, { algorithm: 'HS256', keyid: 'default' }),
      check: (t) => checkHs(t, 'jsonwebtoken sign (KeyObject)'),
    },
  ];
  const edVerify = [
    { name: 'charon', fn: () => charonEd.verify(edToken), check: (r) => checkPayload(r.valid && r.payload, 'charon') },
    { name: 'raw', fn: () => rawEd.verify(edToken), check: (r) => checkPayload(r, 'raw') },
    { name: 'jose', async: true, fn: () => jose.jwtVerify(edToken, joseEdPublic), check: (r) => checkPayload(r.payload, 'jose') },
    { name: 'fast_jwt', fn: () => fastEdVerify(edToken), check: (r) => checkPayload(r, 'fast-jwt') },
  ];
  const checkEd = (token, who) => checkPayload(rawEd.verify(token), who);
  const edSign = [
    { name: 'charon', fn: () => charonEd.sign(payload), check: (t) => checkEd(t, 'charon sign') },
    { name: 'raw', fn: () => rawEd.sign(payload), check: (t) => checkEd(t, 'raw sign') },
    {
      name: 'jose',
      async: true,
      fn: () => new jose.SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: 'default' }).sign(joseEdPrivate),
      check: (t) => checkEd(t, 'jose sign'),
    },
    { name: 'fast_jwt', fn: () => fastEdSign(payload), check: (t) => checkEd(t, 'fast-jwt sign') },
  ];
  // jsonwebtoken 9 has no EdDSA: say so instead of leaving the row out silently.
  let jsonwebtokenEdDsa = 'unsupported';
  try {
    jsonwebtoken.sign(payload, ed.privateKey, { algorithm: 'EdDSA' });
    jsonwebtokenEdDsa = 'supported (not benchmarked)';
  } catch {
    // expected
  }

  const groups = [
    ['verify', 'hs256', hsVerify],
    ['sign', 'hs256', hsSign],
    ['verify', 'eddsa', edVerify],
    ['sign', 'eddsa', edSign],
  ];
  const results = {
    token: { length_hs256: hsToken.length, length_eddsa: edToken.length, payload_json_bytes: JSON.stringify(payload).length },
    settings: { ...settings },
    jsonwebtoken_eddsa: jsonwebtokenEdDsa,
  };
  const tables = [];
  for (const [operation, alg, contenders] of groups) {
    for (const c of contenders) c.check(c.async ? await c.fn() : c.fn());
    log(`tokens: ${operation} ${alg} (${contenders.map((c) => c.name).join(', ')})`);
    const figures = await compare(contenders, { ...settings, log });
    const group = {};
    for (const [name, f] of Object.entries(figures)) {
      group[name] = { ops_per_sec: sig(f.median), min: sig(f.min), max: sig(f.max), iqr_rel: sig(f.iqr_rel, 2), batch: f.batch };
    }
    const ours = figures.charon.median;
    for (const name of Object.keys(figures)) {
      if (name.startsWith('charon')) continue;
      group[`ratio_vs_${name}`] = ratio(ours, figures[name].median);
    }
    // The ceiling: how far ahead of jose even the raw baseline (crypto and parsing, nothing else) is.
    group.raw_ratio_vs_jose = ratio(figures.raw.median, figures.jose.median);
    results[operation] ??= {};
    results[operation][alg] = group;
    tables.push({
      title: `Tokens: ${operation} ${alg === 'hs256' ? 'HS256' : 'EdDSA (Ed25519)'}, ops per CPU-second (median of ${settings.rounds} rounds)`,
      columns: ['contender', 'ops/s', 'min', 'max', 'IQR/median', 'charon ÷ this'],
      rows: Object.entries(figures).map(([name, f]) => [
        name,
        f.median,
        f.min,
        f.max,
        f.iqr_rel === null ? 'n/a' : `${(f.iqr_rel * 100).toFixed(1)}%`,
        name === 'charon' ? '1' : ratio(ours, f.median),
      ]),
    });
  }
  return { results: { tokens: results }, tables };
}

module.exports = { run };
main(module, run);
