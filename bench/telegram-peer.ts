/**
 * Telegram's side of bench section 5: the fake Bot API and the users who press its buttons.
 *
 * On a real deployment Telegram is another machine; here it runs in a worker thread (`startTelegramPeer`), so
 * it does not share cxbot's event loop (it still shares the machine's cores), or in cxbot's own thread
 * (`inProcess`) to compare with.
 *
 * Latency is measured the way a user sees it: from the moment the update is sent to the webhook until the
 * bot's next question has reached the Bot API and the webhook has been answered, whichever is later.
 */
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import {
  type FakeTelegram,
  type FakeUser,
  startFakeTelegram,
  type TgUpdate,
} from "../test/fakes/telegram-api.ts";

export interface Timed {
  /** Answers per second over the whole run (first update sent → last reply sent). */
  readonly rate: number;
  /** Per-update latency in ms, sorted. */
  readonly latencies: number[];
}

/** What the bench asks of Telegram's side. */
export interface TelegramPeer {
  readonly apiRoot: string;
  readonly token: string;
  /** Sends webhook deliveries to this origin (cxbot's HTTP server). */
  route(origin: string): Promise<void>;
  /** Each user sends `/start nps`, one after another; resolves when every one has been asked the score. */
  start(userIds: readonly number[]): Promise<void>;
  /** Each user presses a score button; `concurrency` webhook deliveries at a time (closed loop). */
  burst(userIds: readonly number[], concurrency: number): Promise<Timed>;
  /** Each user presses a score button, one every 1/perSecond s whatever the replies do (open loop). */
  paced(userIds: readonly number[], perSecond: number): Promise<Timed>;
  /** Each user types the last answer (untimed, `concurrency` at a time): their conversations end. */
  finish(userIds: readonly number[], concurrency: number): Promise<void>;
  close(): Promise<void>;
}

const TOKEN = "4242:bench-bot-token-cccccccccccccccccc";
const COMMENT = "Quick and easy, thanks.";

/** The users' side, driving a fake Bot API in the current thread. */
export async function createUsers(): Promise<TelegramPeer> {
  const fake: FakeTelegram = await startFakeTelegram({ token: TOKEN, keepAliveWebhooks: !process.env.NO_KA });
  const user = (id: number): FakeUser => ({ id, first_name: `B${id}` });
  /** chat id → resolves when the bot's next message to that chat has been accepted. */
  const waiting = new Map<number, () => void>();
  fake.onCall((call, ok) => {
    if (!ok || call.method !== "sendMessage") return;
    const chat = Number(call.body.chat_id);
    const done = waiting.get(chat);
    if (done) {
      waiting.delete(chat);
      done();
    }
  });

  /** Delivers one update; resolves with the latency once the webhook answered and the reply was sent. */
  const exchange = async (update: TgUpdate, chatId: number): Promise<number> => {
    if (waiting.has(chatId)) throw new Error(`two updates in flight for chat ${chatId}`);
    const started = performance.now();
    const replied = new Promise<void>((resolve) => waiting.set(chatId, resolve));
    const answer = await fake.deliver(update);
    if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${answer.body}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      replied,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reply in chat ${chatId} within 10 s`)), 10_000);
      }),
    ]).finally(() => clearTimeout(timer));
    return performance.now() - started;
  };

  const press = (id: number): TgUpdate => {
    const shown = fake.messages(id).at(-1);
    const label = String(7 + (id % 4)); // passive or promoter: the next step is the "why" question
    const button = shown?.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
    if (!shown || !button || typeof button.callback_data !== "string")
      throw new Error(`user ${id} was not shown the score buttons`);
    return fake.userPressesButton(user(id), shown.message_id, button.callback_data);
  };

  const closedLoop = async (
    userIds: readonly number[],
    concurrency: number,
    update: (id: number) => TgUpdate,
  ): Promise<Timed> => {
    const updates = userIds.map((id) => ({ id, update: update(id) }));
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let u = updates[next++]; u; u = updates[next++]) latencies.push(await exchange(u.update, u.id));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { rate: updates.length / seconds, latencies: latencies.sort((a, b) => a - b) };
  };

  return {
    apiRoot: fake.apiRoot,
    token: fake.token,
    async route(origin) {
      fake.routeWebhooks(origin);
    },
    async start(userIds) {
      for (const id of userIds) await exchange(fake.userSendsText(user(id), "/start nps"), id);
    },
    burst: (userIds, concurrency) => closedLoop(userIds, concurrency, press),
    async paced(userIds, perSecond) {
      const updates = userIds.map((id) => ({ id, update: press(id) }));
      const gap = 1000 / perSecond;
      const started = performance.now();
      const latencies = await Promise.all(
        updates.map(async (u, i) => {
          const wait = started + i * gap - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          return exchange(u.update, u.id);
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      return { rate: updates.length / seconds, latencies: latencies.sort((a, b) => a - b) };
    },
    async finish(userIds, concurrency) {
      await closedLoop(userIds, concurrency, (id) => fake.userSendsText(user(id), COMMENT));
    },
    close: () => fake.close(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The worker thread and its remote control

type Method = "route" | "start" | "burst" | "paced" | "finish" | "close";
interface Request {
  readonly id: number;
  readonly method: Method | "init";
  readonly args: unknown[];
}
type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Starts Telegram's side in a worker thread. */
export async function startTelegramPeer(): Promise<TelegramPeer> {
  // A worker does not inherit tsx's loader for its entry point: register it there, then load this file.
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const self = JSON.stringify(import.meta.url);
  const worker = new Worker(`import(${api}).then((tsx) => tsx.tsImport(${self}, ${self}));`, { eval: true });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let ids = 0;
  let failed: Error | undefined;
  const fail = (error: Error) => {
    failed = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on("message", (reply: Reply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) p?.resolve(reply.value);
    else p?.reject(new Error(reply.error));
  });
  worker.on("error", fail);
  worker.on("exit", (code) => fail(new Error(`telegram peer exited (${code})`)));
  const call = <T>(method: Method | "init", ...args: unknown[]): Promise<T> => {
    if (failed) return Promise.reject(failed);
    const id = ++ids;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: (v) => resolve(v as T), reject });
      worker.postMessage({ id, method, args });
    });
  };
  const { apiRoot, token } = await call<{ apiRoot: string; token: string }>("init");
  return {
    apiRoot,
    token,
    route: (origin) => call("route", origin),
    start: (userIds) => call("start", userIds),
    burst: (userIds, concurrency) => call("burst", userIds, concurrency),
    paced: (userIds, perSecond) => call("paced", userIds, perSecond),
    finish: (userIds, concurrency) => call("finish", userIds, concurrency),
    async close() {
      await call("close");
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  let users: TelegramPeer | undefined;
  port.on("message", (request: Request) => {
    void (async (): Promise<unknown> => {
      if (request.method === "init") {
        users = await createUsers();
        return { apiRoot: users.apiRoot, token: users.token };
      }
      if (!users) throw new Error("not initialised");
      const fn = users[request.method] as (...args: unknown[]) => Promise<unknown>;
      return fn(...request.args);
    })().then(
      (value) => port.postMessage({ id: request.id, ok: true, value } satisfies Reply),
      (error: unknown) =>
        port.postMessage({
          id: request.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies Reply),
    );
  });
}
