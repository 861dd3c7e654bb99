import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "./logger.ts";

export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * A whole path prefix handed to one request listener (the HTTP API's router under `/api/`). It answers every
 * request under the prefix itself, 404s and 405s included.
 */
export interface Mount {
  /** Ends with `/`, e.g. `/api/`; the path `/api` alone goes there too. */
  readonly prefix: string;
  readonly handle: Route;
}

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The one HTTP server every adapter shares (webhooks, `GET /healthz`) and the HTTP API is mounted on. Adapter
 * routes are exact `POST` paths; a mount takes every request under its prefix. Handler errors become a 500 and
 * a log line, never a crash; unknown paths get a 404.
 */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  logger: Logger;
  routes: ReadonlyMap<string, Route>;
  mounts?: readonly Mount[];
  health: () => Promise<{ ok: boolean; checks: Record<string, boolean> }>;
}): Promise<HttpServer> {
  const { logger } = options;
  const mounts = options.mounts ?? [];
  for (const m of mounts)
    if (!m.prefix.startsWith("/") || !m.prefix.endsWith("/"))
      throw new Error(`a mount's prefix starts and ends with "/": ${m.prefix}`);
  const mountOf = (path: string): Mount | undefined =>
    mounts.find((m) => path.startsWith(m.prefix) || path === m.prefix.slice(0, -1));
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    void (async () => {
      if (req.method === "GET" && path === "/healthz") {
        const health = await options.health();
        res.writeHead(health.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(health));
        return;
      }
      const mount = mountOf(path);
      if (mount) {
        await mount.handle(req, res);
        return;
      }
      const route = options.routes.get(path);
      if (!route || req.method !== "POST") {
        res.writeHead(404).end();
        return;
      }
      await route(req, res);
    })().catch((error: unknown) => {
      logger.error({ err: error, path, code: "HTTP_HANDLER" }, "request failed");
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  logger.info({ port }, "http server listening");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
