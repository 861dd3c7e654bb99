import { resolve } from "node:path";
import { seedFlows } from "../core/admin/seed.ts";
import { FlowRegistry } from "../core/flow/registry.ts";
import { createSurveyHub, type SurveyHub } from "../core/hub.ts";
import type { Locale } from "../core/locale.ts";
import { createPrivacyRegistry, type PrivacyRegistry } from "../core/privacy/registry.ts";
import { createRetentionJob } from "../core/privacy/retention.ts";
import { CxError } from "../core/result.ts";
import { createLiveSentiment, type LiveSentiment } from "../core/sentiment/live.ts";
import { createRuleBasedSentimentAnalyzer } from "../core/sentiment/rule-based.ts";
import { createSurveyService, type SurveyService } from "../core/service.ts";
import type { DomainEvent } from "../core/types.ts";
import { type MongoTarget, resolveMongo } from "../storage/embedded.ts";
import { type Database, openDatabase } from "../storage/mongo-stores.ts";
import { registerStorageHolders } from "../storage/privacy-store.ts";
import { redactUri } from "./config.ts";
import { loadFlowsCached } from "./flow-cache.ts";
import type { Logger } from "./logger.ts";
import { createRollupRepair } from "./rollup-repair.ts";

/** The parts every channel shares: the database, the flows and the survey service. */
export interface App {
  readonly service: SurveyService;
  /** The survey service's events and offered messages, for services built after it (alerts). */
  readonly hub: SurveyHub;
  readonly flows: FlowRegistry;
  /** The sentiment analyzer in use, and learning from the responses (`/cx learn`). */
  readonly sentiment: LiveSentiment;
  readonly database: Database;
  /** Every store's personal data (erase, export, retention); stores built later join it. */
  readonly privacy: PrivacyRegistry;
  readonly target: MongoTarget;
  /** Flow keys that loaded, sorted. */
  readonly flowKeys: readonly string[];
  /** Each loaded flow's title (English, else its first language), for pickers. */
  readonly flowTitles: Readonly<Record<string, string>>;
  /** Stops timers, finishes work in flight, flushes rollups, closes the database and any embedded server. */
  close(): Promise<void>;
}

export interface AppOptions {
  readonly mongoUri?: string;
  /** Database name; defaults to the one in the URI, else `cxbot`. */
  readonly dbName?: string;
  readonly dataDir: string;
  readonly flowsDir: string;
  readonly defaultLocale: Locale;
  readonly defaultFlow: string;
  readonly maxConcurrency: number;
  readonly projectRoot: string;
  readonly logger: Logger;
  /** Also told about every domain event (the hub's listeners are told too). */
  readonly onEvents?: (events: readonly DomainEvent[]) => void;
  /** Flow keys whose `flows/` file wins over the database this once (`*`: all). */
  readonly reseedFlows?: readonly string[];
  /** Comments a language needs before its learned model is used (default 300). */
  readonly learnMinExamples?: number;
  /** Hours between retrainings of the sentiment model; 0: only by `/cx learn`. Default 24. */
  readonly retrainHours?: number;
  /** How often the live versions are read again (another process may publish); default 2 s. */
  readonly flowSyncMs?: number;
  /** Emitted while the embedded database is being built or started (shown to console users). */
  readonly onStatus?: (message: string) => void;
  /** Days transcripts and comments are kept (`CX_RETENTION_DAYS`); unset: kept. */
  readonly retentionDays?: number;
}

const EXPIRY_SWEEP_MS = 60_000;
/** How long after start the only writer reads the rollups into memory (start-up and the first answers first). */
const ROLLUP_WARM_MS = 10_000;
const MODEL_RELOAD_MS = 10 * 60_000;
const EVENT_ID_RETENTION_MS = 7 * 24 * 3600_000;

/** Connects the database, loads and publishes the flows, and starts the survey service. */
export async function createApp(options: AppOptions): Promise<App> {
  const { logger } = options;
  const target = await resolveMongo({
    ...(options.mongoUri === undefined ? {} : { uri: options.mongoUri }),
    dataDir: resolve(options.projectRoot, options.dataDir),
    projectRoot: options.projectRoot,
    log: (msg, fields) => {
      logger.info(fields ?? {}, msg);
      options.onStatus?.(msg);
    },
  });
  logger.info({ kind: target.kind, uri: redactUri(target.uri) }, "database resolved");
  let database: Database;
  // The embedded server is started by this process on its own locked data directory: the only writer.
  const soleWriter = target.kind !== "external";
  try {
    database = await openDatabase(target.uri, options.dbName, {
      soleWriter,
      onCorrupt: (e) =>
        logger.error({ code: e.code, collection: e.collection, id: e.id, path: e.path }, e.message),
    });
  } catch (error) {
    await target.stop();
    throw new CxError("STORE_UNAVAILABLE", `cannot connect to ${redactUri(target.uri)}`, { cause: error });
  }

  const flows = new FlowRegistry(database.stores.flows, database.stores.admin);
  const loaded = await loadFlowsCached(resolve(options.projectRoot, options.flowsDir), options.projectRoot);
  for (const e of loaded.errors)
    logger.error({ code: "FLOW_INVALID", file: e.file, path: e.path, line: e.line }, e.message);
  // Independent of each other, so at once: start-up waits for the slowest, not for their sum.
  const seeded = await seedFlows(loaded.flows, {
    registry: flows,
    admin: database.stores.admin,
    audit: database.stores.audit,
    reseed: options.reseedFlows ?? [],
    now: () => new Date(),
  });
  for (const s of seeded) {
    if (s.action === "kept-database")
      logger.warn(
        { code: "FLOW_FILE_IGNORED", flow: s.key, version: s.version },
        "the flow file changed, but an admin has changed this flow since: the database's live version is kept (CX_RESEED_FLOWS to take the file)",
      );
    else
      logger.info(
        { flow: s.key, version: "flow" in s ? s.flow.version : s.version, action: s.action },
        "flow loaded",
      );
  }
  // Flows created by admins live only in the database.
  await flows.syncMissing();
  flows.startSync(options.flowSyncMs ?? 2000, (error) =>
    logger.warn({ err: error, code: "FLOW_SYNC_FAILED" }, "could not read the flows' live versions"),
  );
  const flowKeys = flows.loadedKeys();
  const titled = await Promise.all(flowKeys.map((k) => flows.latest(k)));
  if (flowKeys.length === 0) {
    flows.stopSync();
    await database.close();
    await target.stop();
    throw new CxError("FLOW_INVALID", `no valid flow in ${options.flowsDir}`);
  }

  // Before any answer is taken: rebuild the score days that a process stopped without a shutdown left behind.
  const repairRollups = createRollupRepair({ stores: database.stores, flows, soleWriter });
  const repair = async (): Promise<void> => {
    const report = await repairRollups();
    if (report.rebuiltDays.length + report.deferredDays.length > 0)
      logger.warn({ code: "ROLLUPS_REPAIRED", ...report }, "score rollups rebuilt after an unclean stop");
  };
  await repair().catch((error: unknown) =>
    logger.error({ err: error, code: "ROLLUP_REPAIR_FAILED" }, "could not repair the score rollups"),
  );
  // The only writer keeps the rollups in memory: read them a little after start, not at the first report.
  const rememberRollups = setTimeout(
    () =>
      void database.stores.rollups
        .remember()
        .catch((error: unknown) =>
          logger.warn({ err: error, code: "ROLLUPS_UNREADABLE" }, "could not read the rollups into memory"),
        ),
    ROLLUP_WARM_MS,
  );
  rememberRollups.unref();

  // Services built after this one (alerts) subscribe here for its events and the messages it cannot handle.
  const hub = createSurveyHub((error) =>
    logger.error({ err: error, code: "EVENT_LISTENER_FAILED" }, "an event listener failed"),
  );
  // The rules, blended with what was learned from this deployment's responses once there are enough.
  const sentiment = createLiveSentiment(createRuleBasedSentimentAnalyzer(), database.stores.sentimentModels, {
    ...(options.learnMinExamples === undefined ? {} : { minExamples: options.learnMinExamples }),
  });
  await sentiment
    .reload()
    .catch((error: unknown) =>
      logger.warn(
        { err: error, code: "SENTIMENT_MODEL_UNREADABLE" },
        "could not load the learned sentiment model",
      ),
    );
  // Personal data: each store contributes how to find, erase and age out what it keeps about a person.
  const privacy = createPrivacyRegistry({
    onError: (error) =>
      logger.error({ err: error, code: "ERASE_NOTIFY_FAILED" }, "could not mark an erased alert"),
  });
  registerStorageHolders(privacy, database.connection, database.stores.rollups);
  const retention =
    options.retentionDays === undefined
      ? undefined
      : createRetentionJob({
          registry: privacy,
          events: database.stores.events,
          days: options.retentionDays,
        });
  const service = createSurveyService({
    privacy,
    stores: database.stores,
    flows,
    analyzer: sentiment.analyzer,
    defaultLocale: options.defaultLocale,
    defaultFlow: flowKeys.includes(options.defaultFlow) ? options.defaultFlow : (flowKeys[0] as string),
    maxConcurrency: options.maxConcurrency,
    onEvents: (events) => {
      options.onEvents?.(events);
      hub.publish(events);
    },
    forward: (respondent, text) => hub.offer(respondent, text),
    onError: (error) => logger.error({ err: error, code: "SWEEP_FAILED" }, "could not expire a conversation"),
  });

  const sweep = setInterval(() => {
    void (async () => {
      const expired = await service.expireIdle();
      const pruned = await database.stores.events.prune(new Date(Date.now() - EVENT_ID_RETENTION_MS));
      await database.stores.conversations.compact();
      if (expired + pruned > 0) logger.info({ expired, pruned }, "housekeeping");
      // Another process on this database may have died since (or a deferred day may now be over).
      await repair();
      const retained = await retention?.runIfDue();
      if (retained)
        logger.info({ ...retained, code: "RETENTION" }, "old transcripts and comments anonymized");
    })().catch((error: unknown) => logger.error({ err: error }, "housekeeping failed"));
  }, EXPIRY_SWEEP_MS);
  sweep.unref();
  // Another process may have retrained; and now and then this one retrains from the responses since.
  const modelReload = setInterval(() => {
    sentiment
      .reload()
      .catch((error: unknown) =>
        logger.warn(
          { err: error, code: "SENTIMENT_MODEL_UNREADABLE" },
          "could not load the learned sentiment model",
        ),
      );
  }, MODEL_RELOAD_MS);
  modelReload.unref();
  const retrainEvery = options.retrainHours ?? 24;
  const retrain =
    retrainEvery > 0
      ? setInterval(() => {
          sentiment
            .retrain(database.stores.responses)
            .then((status) =>
              logger.info({ ...status, code: "SENTIMENT_RETRAINED" }, "sentiment model retrained"),
            )
            .catch((error: unknown) =>
              logger.error(
                { err: error, code: "SENTIMENT_RETRAIN_FAILED" },
                "could not retrain the sentiment model",
              ),
            );
        }, retrainEvery * 3_600_000)
      : undefined;
  retrain?.unref();

  let closed: Promise<void> | undefined;
  return {
    service,
    hub,
    flows,
    sentiment,
    database,
    privacy,
    target,
    flowKeys,
    flowTitles: Object.fromEntries(
      titled.flatMap((f) =>
        f ? [[f.key, f.title.en ?? Object.values(f.title).find((v) => v !== undefined) ?? f.key]] : [],
      ),
    ),
    close() {
      closed ??= (async () => {
        clearTimeout(rememberRollups);
        clearInterval(sweep);
        clearInterval(modelReload);
        if (retrain) clearInterval(retrain);
        flows.stopSync();
        await service.close();
        await database.stores.conversations.compact({ all: true });
        await database.close();
        await target.stop();
      })();
      return closed;
    },
  };
}
