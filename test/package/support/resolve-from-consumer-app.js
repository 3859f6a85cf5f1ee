/**
 * Jest resolver for running the repo's e2e specs against a consumer app's install (CHARON_CONSUMER_APP): bare
 * imports made by the repo's own files (the specs) resolve from the app directory first, so the spec, the packed
 * nestjs-charon and Nest itself all share the app's single copy of each package. Imports made inside
 * node_modules resolve as usual.
 */
const path = require('node:path');

const appDir = process.env.CHARON_CONSUMER_APP;
if (!appDir) throw new Error('CHARON_CONSUMER_APP is not set');

module.exports = (request, options) => {
  const bare = !request.startsWith('.') && !path.isAbsolute(request);
  if (bare && !options.basedir.split(path.sep).includes('node_modules')) {
    try {
      return options.defaultResolver(request, { ...options, basedir: appDir });
    } catch {
      // Not installed in the app (a test-only tool such as supertest): the repo's copy.
    }
  }
  return options.defaultResolver(request, options);
};
