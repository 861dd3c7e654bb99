/**
 * Sending rates per lane (a platform, or a webhook host) and per chat within it, kept just under what each
 * platform documents: messages are scheduled, not dropped, and a 429 pauses the lane.
 *
 * Each lane and each chat is a bucket in GCRA form (the "generic cell rate algorithm", a token bucket kept as
 * one timestamp): `next` is when the bucket can send again at its steady rate; it may lag `now` by up to
 * `burst - 1` intervals, which is the bucket's stored tokens. A message is given the earliest time both its
 * lane and its chat allow, and both advance from there, so the lane's rate holds across all chats.
 */

/** How fast one lane may send. */
export interface SendRate {
  /** Messages per second over the whole lane (all chats). */
  readonly perSecond: number;
  /** Messages per second into one chat, when the platform limits chats too. */
  readonly perChatPerSecond?: number;
  /** Messages the lane may send at once after a quiet spell (default 1: a steady pace). */
  readonly burst?: number;
}

/** Clock and sleep, replaceable in tests. */
export interface LimiterTime {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface RateLimiter {
  /** Sets (or replaces) a lane's rate; a lane never configured is not limited (pauses still apply). */
  configure(lane: string, rate: SendRate): void;
  /** Waits until one message may go to `chatKey` in `lane`, and counts it. */
  take(lane: string, chatKey?: string): Promise<void>;
  /** How long before a message could go without waiting on a pause or its chat (0: now). */
  delayFor(lane: string, chatKey?: string): number;
  /** Holds the whole lane until `untilMs` (a 429's retry-after): nothing is scheduled before then. */
  pause(lane: string, untilMs: number): void;
}

const realTime: LimiterTime = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** Chat buckets kept per lane; older ones are dropped (a chat not seen for a while has a full bucket anyway). */
const MAX_CHATS = 50_000;

interface Lane {
  rate?: SendRate;
  next: number;
  pausedUntil: number;
  chats: Map<string, number>;
}

export function createRateLimiter(time: LimiterTime = realTime): RateLimiter {
  const lanes = new Map<string, Lane>();
  const laneOf = (name: string): Lane => {
    let lane = lanes.get(name);
    if (!lane) {
      lane = { next: 0, pausedUntil: 0, chats: new Map() };
      lanes.set(name, lane);
    }
    return lane;
  };
  const chatInterval = (lane: Lane): number | undefined =>
    lane.rate?.perChatPerSecond === undefined ? undefined : 1000 / lane.rate.perChatPerSecond;

  /** Reserves the earliest slot for one message and returns it. */
  const reserve = (lane: Lane, chatKey: string | undefined, now: number): number => {
    let at = Math.max(now, lane.pausedUntil);
    const rate = lane.rate;
    if (rate) {
      const interval = 1000 / rate.perSecond;
      const burst = Math.max(1, rate.burst ?? 1);
      const laneNext = Math.max(lane.next, now - (burst - 1) * interval);
      at = Math.max(at, laneNext);
      const chatEvery = chatInterval(lane);
      if (chatEvery !== undefined && chatKey !== undefined) {
        at = Math.max(at, lane.chats.get(chatKey) ?? 0);
        lane.chats.delete(chatKey);
        if (lane.chats.size >= MAX_CHATS) {
          const oldest = lane.chats.keys().next().value;
          if (oldest !== undefined) lane.chats.delete(oldest);
        }
        lane.chats.set(chatKey, at + chatEvery);
      }
      lane.next = Math.max(laneNext, at) + interval;
    }
    return at;
  };

  return {
    configure(name, rate) {
      laneOf(name).rate = rate;
    },
    async take(name, chatKey) {
      const lane = laneOf(name);
      for (;;) {
        const now = time.now();
        const at = reserve(lane, chatKey, now);
        if (at <= now) return;
        await time.sleep(at - now);
        // A pause that came in while waiting pushes the slot out: reserve again after it.
        if (lane.pausedUntil <= at) return;
      }
    },
    delayFor(name, chatKey) {
      const lane = lanes.get(name);
      if (!lane) return 0;
      const now = time.now();
      const chatNext = chatKey === undefined ? 0 : (lane.chats.get(chatKey) ?? 0);
      return Math.max(0, lane.pausedUntil - now, chatNext - now);
    },
    pause(name, untilMs) {
      const lane = laneOf(name);
      lane.pausedUntil = Math.max(lane.pausedUntil, untilMs);
    },
  };
}
