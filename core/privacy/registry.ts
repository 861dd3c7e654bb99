import { createHash } from "node:crypto";
import type { AlertRecord } from "../alerts/alert.ts";
import type { Channel, RespondentRef } from "../types.ts";

/**
 * Personal data under the respondent's control: every store that keeps something about a person joins one
 * {@link PrivacyRegistry} with a {@link PersonalDataHolder} of its own, so erasing (`/forget`, `/cx erase`),
 * exporting (`/cx export-person`) and retention reach every collection, including stores added later (a send
 * queue, outgoing webhooks). Rollups hold counts only and join nothing: they stay as they are.
 */

/** The person a request is about. */
export interface DataSubject {
  /** `channel:userId`, the respondent's key. */
  readonly key: string;
  readonly channel: Channel;
  readonly userId: string;
  /** A stable stand-in for the key that names no one: what the audit log keeps after an erase. */
  readonly pseudonym: string;
}

/**
 * What the holders found before erasing, shared between them: a store that knows a person only through their
 * conversations (alerts) reads the conversation ids the conversation stores found.
 */
export interface SubjectTrace {
  readonly conversationIds: Set<string>;
  /** Alerts about the person, as they were before the erase (a posted one is edited to say it was erased). */
  readonly alerts: AlertRecord[];
}

/** One store's part: find, erase and (optionally) age out what it keeps about people. */
export interface PersonalDataHolder {
  /** The store's name, as exports and reports show it (`responses`). */
  readonly name: string;
  /**
   * Adds what other holders need to the trace (conversation ids, alerts). Runs for every holder, in the order
   * they joined, before any of them exports or erases.
   */
  trace?(subject: DataSubject, trace: SubjectTrace): Promise<void>;
  /** The person's documents in this store, as plain JSON-safe values (a data-access request). */
  export(subject: DataSubject, trace: SubjectTrace): Promise<readonly unknown[]>;
  /** Erases (or, where a record must stay, anonymizes) everything about the person; returns how many documents. */
  erase(subject: DataSubject, trace: SubjectTrace): Promise<number>;
  /**
   * Erases or anonymizes transcripts and comments older than `before`, writing `batch` documents at a time;
   * returns how many changed. Scores stay. Must work without TTL indexes (the embedded server has none).
   */
  retain?(before: Date, batch: number): Promise<number>;
}

/** What an erase removed, per store. */
export interface ErasureReport {
  readonly pseudonym: string;
  /** Documents erased or anonymized, by holder name. */
  readonly erased: Readonly<Record<string, number>>;
  /** Alerts that were erased (as they were), so a posted one can be edited. */
  readonly alerts: readonly AlertRecord[];
}

/** A person's data, by holder name. */
export interface PersonExport {
  readonly subject: { readonly key: string; readonly channel: Channel; readonly userId: string };
  readonly exportedAt: string;
  readonly data: Readonly<Record<string, readonly unknown[]>>;
}

/** Told after an erase (the alert notifier edits posted alerts). */
export type ErasureListener = (report: ErasureReport) => Promise<void>;

/** The pseudonym of a respondent key: the first 16 hex digits of its SHA-256. */
export function pseudonymOf(key: string): string {
  return `person-${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
}

export function subjectOf(ref: Pick<RespondentRef, "channel" | "userId">): DataSubject {
  const key = `${ref.channel}:${ref.userId}`;
  return { key, channel: ref.channel, userId: ref.userId, pseudonym: pseudonymOf(key) };
}

export interface PrivacyRegistry {
  /** Adds a store's holder; a store joins once (a second holder of the same name replaces the first). */
  register(holder: PersonalDataHolder): void;
  /** Told after every erase; returns a function that stops it. */
  onErased(listener: ErasureListener): () => void;
  /**
   * Awaited before every erase: work in flight that may still write about the person (an alert being raised
   * from their last answer) finishes first, so the erase finds it. Returns a function that stops it.
   */
  onBeforeErase(listener: () => Promise<void>): () => void;
  readonly holders: () => readonly PersonalDataHolder[];
  export(subject: DataSubject, now: Date): Promise<PersonExport>;
  /** Erases the person from every holder. Callers end their conversation in progress first (the survey service). */
  erase(subject: DataSubject): Promise<ErasureReport>;
  /** One retention pass over every holder, in batches of `batch`; returns documents changed, by holder. */
  retain(before: Date, batch: number): Promise<Record<string, number>>;
}

export function createPrivacyRegistry(options: { onError?: (error: unknown) => void } = {}): PrivacyRegistry {
  const holders = new Map<string, PersonalDataHolder>();
  const listeners = new Set<ErasureListener>();
  const before = new Set<() => Promise<void>>();
  const traceOf = async (subject: DataSubject): Promise<SubjectTrace> => {
    const trace: SubjectTrace = { conversationIds: new Set(), alerts: [] };
    for (const h of holders.values()) await h.trace?.(subject, trace);
    return trace;
  };
  return {
    register(holder) {
      holders.set(holder.name, holder);
    },
    onErased(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onBeforeErase(listener) {
      before.add(listener);
      return () => before.delete(listener);
    },
    holders: () => [...holders.values()],
    async export(subject, now) {
      const trace = await traceOf(subject);
      const data: Record<string, readonly unknown[]> = {};
      for (const h of holders.values()) {
        const docs = await h.export(subject, trace);
        if (docs.length > 0) data[h.name] = docs;
      }
      return {
        subject: { key: subject.key, channel: subject.channel, userId: subject.userId },
        exportedAt: now.toISOString(),
        data,
      };
    },
    async erase(subject) {
      for (const settle of before) await settle();
      const trace = await traceOf(subject);
      const erased: Record<string, number> = {};
      for (const h of holders.values()) erased[h.name] = await h.erase(subject, trace);
      const report: ErasureReport = { pseudonym: subject.pseudonym, erased, alerts: trace.alerts };
      for (const listener of listeners) {
        // A notifier that cannot edit a posted alert does not undo the erase.
        await listener(report).catch((error: unknown) => options.onError?.(error));
      }
      return report;
    },
    async retain(before, batch) {
      const changed: Record<string, number> = {};
      for (const h of holders.values()) {
        if (!h.retain) continue;
        const total = await h.retain(before, batch);
        if (total > 0) changed[h.name] = total;
      }
      return changed;
    },
  };
}
