import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from '@apollo/server';

type Request = IncomingMessage & { body?: unknown; method: string; url: string };
type Response = ServerResponse;

/**
 * The Apollo Server integration for Express 5 (`@as-integrations/express5`'s `expressMiddleware`), which
 * `@nestjs/apollo` 13 loads for Express apps, reduced to what the GraphQL e2e tests use: the package is not among
 * this repository's devDependencies. It hands Express requests to Apollo's own HTTP handling
 * (`executeHTTPGraphQLRequest`) and writes its answer back, as the package does. Register it with
 * `jest.mock('@as-integrations/express5', () => require('../support/apollo-express-integration'), { virtual: true })`.
 */
export function expressMiddleware<TContext extends BaseContext>(
  server: ApolloServer<TContext>,
  options: { context: ContextFunction<[{ req: Request; res: Response }], TContext> },
) {
  return (req: Request, res: Response, next: (error: unknown) => void): void => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest = { method: req.method.toUpperCase(), headers, search: new URL(req.url, 'http://localhost').search, body: req.body };
    server
      .executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context({ req, res }) })
      .then((response) => {
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind !== 'complete') throw new Error('incremental delivery is not used by these tests');
        res.end(response.body.string);
      })
      .catch(next);
  };
}
