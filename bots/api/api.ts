import type { Connection } from "mongoose";
import { IDEMPOTENCY_RETENTION_MS } from "../../core/api/idempotency.ts";
import { type ApiKeys, createApiKeys } from "../../core/api/keys.ts";
import type { ExportFlows } from "../../core/exports/responses.ts";
import type { Startable } from "../../core/flow/registry.ts";
import type { AuditLog } from "../../core/ports.ts";
import type { SurveyDispatcher } from "../../core/sending/types.ts";
import { createApiStores } from "../../storage/api-store.ts";
import { createExportStore } from "../../storage/export-store.ts";
import type { Mount } from "../http.ts";
import type { Logger } from "../logger.ts";
import { apiMount } from "./router.ts";

/** The HTTP API of one process: its keys (also managed by `/cx keys`) and its mount on the shared server. */
export interface HttpApi {
  readonly keys: ApiKeys;
  /** Absent without a dispatcher: nothing could be sent, so `/api/` is not served. */
  readonly mount?: Mount;
  /** Stops its housekeeping. */
  close(): void;
}

const PRUNE_MS = 10 * 60_000;

/** Opens the API's stores, stores `CX_API_KEY` hashed, and builds the router when surveys can be sent. */
export async function createHttpApi(options: {
  readonly connection: Connection;
  readonly flows: { startable(key: string): Promise<Startable> };
  readonly logger: Logger;
  readonly dispatcher?: SurveyDispatcher;
  /** Where `GET /api/v1/responses` reads flows and writes its audit entries; absent: not served. */
  readonly exports?: { readonly flows: ExportFlows; readonly audit: AuditLog };
  /** `CX_API_KEY`. */
  readonly envKey?: string;
  readonly clock?: () => Date;
}): Promise<HttpApi> {
  const { logger } = options;
  const stores = await createApiStores(options.connection);
  const keys = createApiKeys(stores.keys, options.clock);
  if (options.envKey !== undefined) {
    const record = await keys.ensure(options.envKey, "CX_API_KEY");
    if (record.revokedAt)
      logger.warn(
        { code: "API_KEY_REVOKED", key: record.id },
        "CX_API_KEY was revoked by an admin: requests with it are refused (set a new one to rotate)",
      );
  }
  const prune = setInterval(() => {
    stores.idempotency
      .prune(new Date(Date.now() - IDEMPOTENCY_RETENTION_MS))
      .catch((error: unknown) =>
        logger.warn(
          { err: error, code: "IDEMPOTENCY_PRUNE_FAILED" },
          "could not forget old idempotency keys",
        ),
      );
  }, PRUNE_MS);
  prune.unref();
  const mount = options.dispatcher
    ? apiMount({
        keys,
        idempotency: stores.idempotency,
        dispatcher: options.dispatcher,
        flows: options.flows,
        logger,
        ...(options.exports
          ? { exports: { ...options.exports, source: createExportStore(options.connection) } }
          : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      })
    : undefined;
  return { keys, ...(mount ? { mount } : {}), close: () => clearInterval(prune) };
}
