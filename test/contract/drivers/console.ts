import { PassThrough, Writable } from "node:stream";
import { type ConsoleAdapter, createConsoleAdapter } from "../../../bots/console/console.ts";
import {
  type Capabilities,
  type ContractUser,
  NotApplicable,
  type PlatformDriver,
  type SeenMessage,
} from "../driver.ts";
import { startContractCxbot } from "./cxbot.ts";

/**
 * The console: `createConsoleAdapter` (what `npm start` runs without platform tokens) on in-memory streams,
 * one terminal session per user, on cxbot's survey service. Each `write` of the adapter is one piece of the
 * screen: a message's text, or a line of its choices (`[0] [1] …`, `  1) Yes`, `  (/skip — Skip)`).
 */
const capabilities: Capabilities = {
  platform: "console",
  buttons: "typed",
  edits: false,
  rtlLayout: false,
  deepLink: { form: "npm start -- --flow <flow> --ref <reference>", carriesReference: true },
  redelivers: [],
  staleButtons: false,
  rateLimits: false,
  // bots/main.ts runs no alert service in console mode, and startPlatforms has no route to a terminal.
  supportReplies: false,
};

type Piece =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "scale"; readonly labels: readonly string[] }
  | { readonly kind: "item"; readonly label: string; readonly index: number }
  | { readonly kind: "skip"; readonly label: string };

function pieceOf(chunk: string): Piece {
  const line = chunk.replace(/\n$/, "");
  if (/^\[[^\]]+\](?: \[[^\]]+\])*$/.test(line))
    return { kind: "scale", labels: line.slice(1, -1).split("] [") };
  const item = /^ {2}(\d+)\) (.*)$/.exec(line);
  if (item) return { kind: "item", index: Number(item[1]), label: item[2] ?? "" };
  const skip = /^ {2}\(\/skip — (.*)\)$/.exec(line);
  if (skip) return { kind: "skip", label: skip[1] ?? "" };
  return { kind: "text", text: line };
}

interface Shown {
  readonly text: string;
  readonly pieces: readonly Piece[];
}

interface Session {
  readonly adapter: ConsoleAdapter;
  readonly input: PassThrough;
  /** Every write of the adapter, in order. */
  readonly chunks: string[];
}

interface UserState {
  locale: ContractUser["locale"];
  session?: Session;
  /** Screens of earlier sessions (a new `npm start` for the same user). */
  readonly past: string[];
  answered?: number;
}

export async function createConsoleDriver(): Promise<PlatformDriver> {
  const cx = await startContractCxbot(() => ({}));
  const app = cx.running.app;
  const users = new Map<string, UserState>();
  const of = (user: ContractUser): UserState => {
    const known = users.get(user.name);
    if (known) return known;
    const state: UserState = { locale: user.locale, past: [] };
    users.set(user.name, state);
    return state;
  };
  const userId = (user: ContractUser) => `contract-${user.name}`;
  const chunks = (user: ContractUser) => [...of(user).past, ...(of(user).session?.chunks ?? [])];

  /** The messages on screen: a text piece opens one, choice lines belong to the text before them. */
  const messages = (all: readonly string[]): { shown: Shown; first: number }[] => {
    const out: { shown: Shown; first: number; pieces: Piece[] }[] = [];
    all.forEach((chunk, i) => {
      const piece = pieceOf(chunk);
      const current = out.at(-1);
      if (piece.kind === "text" || !current)
        out.push({ shown: { text: "", pieces: [] }, first: i, pieces: [piece] });
      else current.pieces.push(piece);
    });
    return out.map((m) => {
      const head = m.pieces[0];
      return {
        first: m.first,
        shown: { text: head?.kind === "text" ? head.text : "", pieces: m.pieces.slice(1) },
      };
    });
  };
  const seen = (m: Shown): SeenMessage => ({
    text: m.text,
    rows: m.pieces.flatMap((p): string[][] => {
      switch (p.kind) {
        case "scale":
          return [[...p.labels]];
        case "item":
        case "skip":
          return [[p.label]];
        case "text":
          return [];
        default: {
          const never: never = p;
          throw new Error(`unknown piece ${JSON.stringify(never)}`);
        }
      }
    }),
    direction: "ltr",
    edited: false,
  });

  const open = (user: ContractUser, options: { flow?: string; reference?: string }): Session => {
    const state = of(user);
    if (state.session) {
      state.past.push(...state.session.chunks);
      void state.session.adapter.stop();
      state.session.input.end();
    }
    const input = new PassThrough();
    const written: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString("utf8"));
        done();
      },
    });
    const adapter = createConsoleAdapter({
      service: app.service,
      input,
      output,
      flowKeys: app.flowKeys,
      flowTitles: app.flowTitles,
      locale: state.locale,
      ...(options.flow === undefined ? {} : { flow: options.flow }),
      ...(options.reference === undefined ? {} : { reference: options.reference }),
      userId: userId(user),
      interactive: false,
    });
    const session = { adapter, input, chunks: written };
    state.session = session;
    return session;
  };
  /** Waits until the session has written more than `count` pieces (every line is answered on screen). */
  const answered = async (session: Session, count: number): Promise<void> => {
    const until = Date.now() + 10_000;
    while (session.chunks.length <= count) {
      if (Date.now() > until) throw new Error(`console: no answer on screen: ${session.chunks.join("")}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    // The pieces of one answer are written together; let the rest of the batch land.
    await new Promise((r) => setImmediate(r));
  };
  const line = async (user: ContractUser, text: string): Promise<void> => {
    const session = of(user).session;
    if (!session) throw new Error(`console: ${user.name} has no session; start a survey first`);
    const before = session.chunks.length;
    session.input.write(`${text}\n`);
    await answered(session, before);
  };
  const last = (user: ContractUser) => messages(chunks(user)).at(-1);

  return {
    capabilities,
    async open(user) {
      of(user).locale = user.locale;
    },
    async startByCommand(user, flow) {
      if (of(user).session) {
        await line(user, flow === undefined ? "/feedback" : `/feedback ${flow}`);
        return;
      }
      // The picker: the flow by name (its first entry when none is named).
      const session = open(user, {});
      await session.adapter.start();
      await answered(session, 0);
      await line(user, flow ?? app.flowKeys[0] ?? "nps");
    },
    async startByDeepLink(user, flow, reference) {
      const session = open(user, { flow, reference });
      await session.adapter.start();
      await answered(session, 0);
    },
    lastQuestion(user) {
      const m = last(user);
      return m ? seen(m.shown) : undefined;
    },
    async press(user, label) {
      const found = [...messages(chunks(user))]
        .reverse()
        .find(({ shown }) =>
          shown.pieces.some((p) =>
            p.kind === "scale" ? p.labels.includes(label) : "label" in p && p.label === label,
          ),
        );
      const piece = found?.shown.pieces.find((p) =>
        p.kind === "scale" ? p.labels.includes(label) : "label" in p && p.label === label,
      );
      if (!found || !piece) throw new Error(`console: no choice ${label} shown to ${user.name}`);
      of(user).answered = found.first;
      // What a console user types for a choice: a scale value as shown, a list item's number, /skip.
      await line(user, piece.kind === "item" ? String(piece.index) : piece.kind === "skip" ? "/skip" : label);
    },
    async type(user, text) {
      of(user).answered = last(user)?.first;
      await line(user, text);
    },
    command: (user, name, argument) => line(user, `/${name}${argument === undefined ? "" : ` ${argument}`}`),
    async redeliverLast() {
      throw new NotApplicable("console", "redelivery");
    },
    async pressStale() {
      throw new NotApplicable("console", "a button of an earlier question");
    },
    async pressTwice() {
      throw new NotApplicable("console", "a double tap");
    },
    answeredQuestion(user) {
      const at = of(user).answered;
      const m = messages(chunks(user)).find((x) => x.first === at);
      return m ? seen(m.shown) : undefined;
    },
    staleQuestion() {
      return undefined;
    },
    mark(user) {
      return { messages: chunks(user).length, calls: 0 };
    },
    messagesSince(user, mark) {
      return messages(chunks(user))
        .filter((m) => m.first >= mark.messages)
        .map((m) => seen(m.shown));
    },
    shownSince(user, mark) {
      return messages(chunks(user))
        .filter((m) => m.first >= mark.messages)
        .map((m) => m.shown.text);
    },
    callsSince: () => [],
    supportReply: (user, text) => cx.supportReply(`console:${userId(user)}`, text),
    injectRateLimit() {
      throw new NotApplicable("console", "a rate limit");
    },
    db: {
      conversation: (user) => cx.conversation(`console:${userId(user)}`),
      conversations: (user) => cx.conversations(`console:${userId(user)}`),
      alert: (user) => cx.alert(`console:${userId(user)}`),
    },
    async close() {
      for (const state of users.values()) {
        state.session?.input.end();
        await state.session?.adapter.stop();
      }
      await cx.close();
    },
  };
}
