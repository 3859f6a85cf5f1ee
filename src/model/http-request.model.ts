/** The slice of an Express or Fastify request nestjs-charon reads; nothing platform-specific. */
export interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
  /** HTTP method (Express and Fastify both set it); read by the CSRF check. */
  method?: string;
  /** `http` or `https` as the platform sees it (Express honours `trust proxy`); read by the CSRF check. */
  protocol?: string;
}
