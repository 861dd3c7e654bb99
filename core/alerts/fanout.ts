import { z } from "zod";
import type { AlertPost, AlertRecord } from "./alert.ts";
import type { AlertNotifier, Digest } from "./service.ts";

/**
 * Several notifiers as one (Slack and a Discord channel): the alert service keeps one opaque post per alert, and
 * this notifier's post stands for one post on each. The first notifier gets the alert's route (or the default
 * target the service passes); each other one posts to its own target. A failure on one never stops the others.
 */
export interface FanOutMember {
  readonly notifier: AlertNotifier;
  /** Where this notifier posts (for the first one, only when the service passes no target). */
  readonly target: string;
}

const ZParts = z.array(
  z.object({ notifier: z.string(), target: z.string(), ref: z.string(), folded: z.boolean().optional() }),
);

const encode = (posts: readonly AlertPost[]): string => JSON.stringify(posts);

/** The posts a fan-out post stands for (a post of a single notifier stands for itself). */
export function partsOf(post: AlertPost): AlertPost[] {
  if (post.notifier !== FAN_OUT) return [post];
  try {
    const parsed = ZParts.safeParse(JSON.parse(post.ref));
    return parsed.success ? parsed.data.map((p) => ({ ...p, ...(post.folded ? { folded: true } : {}) })) : [];
  } catch {
    return [];
  }
}

export const FAN_OUT = "fan-out";

export function createFanOutNotifier(
  members: readonly FanOutMember[],
  onError: (error: unknown, context: string) => void,
): AlertNotifier {
  const byName = new Map(members.map((m) => [m.notifier.name, m.notifier]));
  const first = members[0];
  if (!first) throw new Error("a fan-out notifier needs at least one notifier");

  /** Runs `work` on every member, collecting what succeeded; the first member's failure is the caller's. */
  const each = async <T>(
    what: string,
    targetOf: (m: FanOutMember, index: number) => string,
    work: (m: FanOutMember, target: string) => Promise<T>,
  ): Promise<T[]> => {
    const results = await Promise.allSettled(members.map((m, i) => work(m, targetOf(m, i))));
    const out: T[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === "fulfilled") out.push(r.value);
      else if (i === 0) throw r.reason;
      else onError(r.reason, `${what} on ${members[i]?.notifier.name}`);
    }
    return out;
  };

  const wrap = (posts: readonly AlertPost[], target: string): AlertPost => ({
    notifier: FAN_OUT,
    target,
    ref: encode(posts),
  });

  return {
    name: FAN_OUT,
    async post(target, alert, options) {
      const under = options?.under ? partsOf(options.under) : undefined;
      const posts = await each(
        "post",
        (m, i) => (i === 0 ? target : m.target),
        (m, t) => {
          const parent = under?.find((p) => p.notifier === m.notifier.name);
          return m.notifier.post(parent?.target ?? t, alert, parent ? { under: parent } : {});
        },
      );
      return wrap(posts, target);
    },
    async update(alert: AlertRecord, post: AlertPost) {
      await Promise.all(
        partsOf(post).map((p) =>
          byName
            .get(p.notifier)
            ?.update(alert, p)
            .catch((error: unknown) => onError(error, `update on ${p.notifier}`)),
        ),
      );
    },
    async postSummary(target, alerts) {
      const posts = await each(
        "summary",
        (m, i) => (i === 0 ? target : m.target),
        (m, t) => m.notifier.postSummary(t, alerts),
      );
      return wrap(posts, target);
    },
    async postDigest(target: string, digest: Digest) {
      await each(
        "digest",
        (m, i) => (i === 0 ? target : m.target),
        (m, t) => m.notifier.postDigest(t, digest),
      );
    },
    async repair(alert, post) {
      if (post.notifier !== FAN_OUT || post.folded) return undefined;
      const parts = partsOf(post);
      const missing = members.filter((m) => !parts.some((p) => p.notifier === m.notifier.name));
      if (missing.length === 0) return undefined;
      const added: AlertPost[] = [];
      for (const m of missing) {
        try {
          added.push(await m.notifier.post(m === first ? post.target : m.target, alert));
        } catch (error) {
          onError(error, `post on ${m.notifier.name} (again)`);
        }
      }
      return added.length === 0 ? undefined : wrap([...parts, ...added], post.target);
    },
    async postCustomerReply(alert, post, text) {
      const parts = partsOf(post);
      const results = await Promise.allSettled(
        parts.map((p) => byName.get(p.notifier)?.postCustomerReply(alert, p, text)),
      );
      const failed = results.filter((r) => r.status === "rejected");
      if (failed.length === results.length && failed[0]?.status === "rejected") throw failed[0].reason;
    },
  };
}
