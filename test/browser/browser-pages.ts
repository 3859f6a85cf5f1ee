/**
 * The pages the browser test loads: the sample's own client (served from the app's origin) and an attacker's page
 * (served from other origins). Plain HTML and inline scripts, no build step.
 */

/**
 * The app's client, as a cookie-transport single-page app would be written: it keeps only what the transport
 * gives scripts (`header.payload` in the `cookie` transport, nothing in `cookie_only`) and lets the browser send the
 * HttpOnly cookies. `window.client` is what the test drives.
 */
export const APP_PAGE = `<!doctype html>
<meta charset="utf-8">
<title>nestjs-charon sample client</title>
<script>
  let tokens = null;

  async function call(method, path, { body, token } = {}) {
    const headers = {};
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  window.client = {
    async login(tokenTransport) {
      const res = await call('POST', '/auth/login', { body: { username: 'alice', password: 'wonderland', tokenTransport } });
      if (res.status === 201) tokens = res.body.tokens;
      return res;
    },
    async refresh() {
      const res = await call('POST', '/auth/refresh', { token: tokens && tokens.refreshToken });
      if (res.status === 200) tokens = res.body.tokens;
      return res;
    },
    me({ withHeader = true } = {}) {
      return call('GET', '/me', { token: withHeader && tokens && tokens.accessToken });
    },
    sessions() {
      return call('GET', '/auth/sessions', { token: tokens && tokens.accessToken });
    },
    logout() {
      return call('DELETE', '/auth/session', { token: tokens && tokens.accessToken });
    },
    tokens() {
      return tokens;
    },
  };
</script>
<h1>sample client</h1>
`;

/** Ids of the attacker page's forms, each POSTing to the app's refresh route. */
export const ATTACK_FORMS = ['urlencoded-form', 'text-plain-form'] as const;

/**
 * A page on another origin that tries to use the victim's cookies: two forms POSTing to the refresh route (an HTML
 * form and a text/plain one, which can smuggle a JSON-looking body without a CORS preflight), and
 * `window.attack.fetch(method, path)`, a credentialed fetch that settles once the browser is done with it (whether
 * the request reached the app is for the app's request log to say: CORS hides the answer from this page).
 */
export function attackerPage(target: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>not the sample</title>
<form id="urlencoded-form" method="POST" action="${target}/auth/refresh">
  <input name="tokenTransport" value="cookie_only">
</form>
<form id="text-plain-form" method="POST" enctype="text/plain" action="${target}/auth/refresh">
  <input name='{"tokenTransport":"cookie_only","x":"' value='"}'>
</form>
<script>
  window.attack = {
    async fetch(method, path) {
      try {
        await fetch(${JSON.stringify(target)} + path, { method, credentials: 'include' });
      } catch {
        // A CORS failure: expected, the page may not read the answer.
      }
    },
  };
</script>
<h1>attacker</h1>
`;
}
