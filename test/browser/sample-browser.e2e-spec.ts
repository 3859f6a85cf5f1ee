/**
 * The sample in real Chromium (Debian's `chromium`, driven by playwright-core): what a page script can see, and
 * what another site can make the browser do with the sample's cookies.
 *
 * Origins: the app at http://localhost:<app port> (Chromium accepts Secure cookies from http://localhost only);
 * an attacker's page at http://localhost:<other port> (same site, other origin: SameSite=Strict cookies do go
 * along, so the app's own check must refuse) and at http://127.0.0.1:<other port> (another site: the browser
 * withholds the cookies too).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Express, NextFunction, Request, Response } from 'express';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ACCESS_COOKIE, REFRESH_COOKIE, startSampleApp, type SampleApp } from '../support/sample-app';
import { APP_PAGE, ATTACK_FORMS, attackerPage } from './browser-pages';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** What the app saw of one request (for requests whose answer CORS hides from the page). */
interface Seen {
  method: string;
  path: string;
  status: number;
  site: string | undefined;
  withCookie: boolean;
}

interface Reply {
  status: number;
  body: { message?: string; tokens?: { accessToken: string | null; refreshToken: string | null }; [key: string]: unknown } | null;
}

jest.setTimeout(60_000);

describe('the sample in Chromium', () => {
  let sample: SampleApp;
  let attacker: Server;
  let context: BrowserContext;
  let userDataDir: string;
  let appOrigin: string;
  let attackerPort: number;
  const seen: Seen[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does this on CI)`);
    }
    sample = await startSampleApp({}, { configure: serveClientPage });
    await sample.app.listen(0, '127.0.0.1');
    appOrigin = `http://localhost:${(sample.app.getHttpServer().address() as AddressInfo).port}`;

    attacker = createServer((_request: IncomingMessage, response: ServerResponse) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(attackerPage(appOrigin));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerPort = (attacker.address() as AddressInfo).port;

    userDataDir = mkdtempSync(join(tmpdir(), 'charon-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await new Promise((resolve) => attacker?.close(resolve));
    await sample?.app.close();
  });

  /** Serves the client page from the app's origin and records what the app answers to every request. */
  function serveClientPage(app: INestApplication): void {
    const express = app.getHttpAdapter().getInstance() as Express;
    express.use((request: Request, response: Response, next: NextFunction) => {
      response.on('finish', () => {
        const site = request.headers['sec-fetch-site'];
        seen.push({ method: request.method, path: request.path, status: response.statusCode, site: typeof site === 'string' ? site : undefined, withCookie: request.headers.cookie !== undefined });
      });
      next();
    });
    express.get('/browser-test/', (_request: Request, response: Response) => {
      response.type('html').send(APP_PAGE);
    });
  }

  async function clientPage(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${appOrigin}/browser-test/`);
    return page;
  }

  /** The token cookies the browser holds for the app. */
  async function tokenCookies() {
    const cookies = await context.cookies(appOrigin);
    return cookies.filter((cookie) => cookie.name === ACCESS_COOKIE || cookie.name === REFRESH_COOKIE);
  }

  const call = (page: Page, script: string): Promise<Reply> => page.evaluate(script) as Promise<Reply>;

  it('cookie transport: scripts never see a complete token; requests authenticate; refresh works; logout clears the cookies', async () => {
    const page = await clientPage();
    const login = await call(page, `client.login('cookie')`);
    expect(login.status).toBe(201);
    expect(login.body!.tokens!.accessToken!.split('.')).toHaveLength(2);

    const cookies = await tokenCookies();
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
    for (const cookie of cookies) {
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
      expect(cookie.value).toMatch(/^\.[\w-]+$/);
    }
    const visible = await page.evaluate('document.cookie');
    for (const cookie of cookies) expect(visible).not.toContain(cookie.value.slice(1));
    expect(visible).not.toContain(ACCESS_COOKIE);

    expect(await call(page, 'client.me()')).toMatchObject({ status: 200, body: { userId: 1, tokenTransport: 'cookie' } });
    // The cookie alone is only a signature: no script-free request authenticates as the user.
    expect(await call(page, 'client.me({ withHeader: false })')).toMatchObject({ status: 401, body: { message: 'bearer token signature invalid' } });

    sample.clock.advance(60);
    const refreshed = await call(page, 'client.refresh()');
    expect(refreshed.status).toBe(200);
    const renewed = await tokenCookies();
    expect(renewed.map((cookie) => cookie.value)).not.toEqual(cookies.map((cookie) => cookie.value));
    expect(await call(page, 'client.me()')).toMatchObject({ status: 200, body: { tokenTransport: 'cookie' } });
    expect(await page.evaluate('document.cookie')).not.toContain(renewed[0].value.slice(1));

    expect((await call(page, 'client.logout()')).status).toBe(204);
    expect(await tokenCookies()).toEqual([]);
    expect((await call(page, 'client.me()')).status).toBe(401);
    await page.close();
  });

  it('cookie_only: another origin cannot refresh or log out with the cookies (form POSTs, credentialed fetches)', async () => {
    const page = await clientPage();
    expect((await call(page, `client.login('cookie_only')`)).status).toBe(201);
    expect(await page.evaluate('document.cookie')).toBe('');
    expect(await call(page, 'client.me()')).toMatchObject({ status: 200, body: { tokenTransport: 'cookie_only' } });
    const loggedIn = (await call(page, 'client.sessions()')).body as unknown as { refreshedAt: number }[];
    const cookiesBefore = await tokenCookies();
    sample.clock.advance(60); // a refresh that got through would move refreshedAt

    const sameSite = `http://localhost:${attackerPort}/`;
    const crossSite = `http://127.0.0.1:${attackerPort}/`;
    for (const [url, site] of [[sameSite, 'same-site'], [crossSite, 'cross-site']] as const) {
      const evil = await context.newPage();
      for (const form of ATTACK_FORMS) {
        await evil.goto(url);
        seen.length = 0;
        await Promise.all([evil.waitForURL(`${appOrigin}/auth/refresh`), evil.evaluate(`document.getElementById('${form}').submit()`)]);
        const posts = seen.filter((request) => request.path === '/auth/refresh');
        expect(posts).toEqual([expect.objectContaining({ method: 'POST', site })]);
        refusedFrom(site, posts[0]);
      }
      await evil.goto(url);
      for (const [method, path] of [['POST', '/auth/refresh'], ['DELETE', '/auth/session'], ['DELETE', '/auth/sessions']]) {
        seen.length = 0;
        await evil.evaluate(`attack.fetch('${method}', '${path}')`);
        const sent = seen.filter((request) => request.method === method);
        // A simple POST goes out with the cookies; a DELETE first needs a CORS preflight, which the app doesn't
        // grant, so the browser never sends it.
        if (method === 'POST') expect(sent).toHaveLength(1);
        else expect(seen.map((request) => request.method)).toEqual(['OPTIONS']);
        for (const request of sent) refusedFrom(site, request);
      }
      await evil.close();
    }

    // Nothing changed: the same cookies, the same session, not refreshed; and the app's own page still works.
    expect((await tokenCookies()).map((cookie) => cookie.value)).toEqual(cookiesBefore.map((cookie) => cookie.value));
    expect((await call(page, 'client.sessions()')).body).toEqual(loggedIn);
    expect((await call(page, 'client.refresh()')).status).toBe(200);
    expect((await call(page, 'client.logout()')).status).toBe(204);
    expect(await tokenCookies()).toEqual([]);
    await page.close();
  });

  /**
   * Same site: the browser sends the SameSite=Strict cookies, so the app's CSRF check must answer 403. Cross-site:
   * the browser withholds them, and the app refuses a request without a token (401) or from another site (403).
   */
  function refusedFrom(site: 'same-site' | 'cross-site', request: Seen): void {
    if (site === 'same-site') {
      expect(request).toMatchObject({ withCookie: true, status: 403 });
    } else {
      expect(request.withCookie).toBe(false);
      expect([401, 403]).toContain(request.status);
    }
  }
});
