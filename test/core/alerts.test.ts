import { beforeAll, describe, expect, it } from "vitest";
import { type AlertSource, enrichAlert, raiseAlert, recordAction } from "../../core/alerts/alert.ts";
import { alertView } from "../../core/alerts/view.ts";
import { loadFlowDirectory } from "../../core/flow/load.ts";
import type { Flow } from "../../core/flow/schema.ts";
import type { Answer } from "../../core/types.ts";

let nps: Flow;
let ces: Flow;
beforeAll(async () => {
  const loaded = await loadFlowDirectory("flows");
  const byKey = new Map(loaded.flows.map((f) => [f.key, { ...f, version: 3 }]));
  nps = byKey.get("nps") as Flow;
  ces = byKey.get("ces") as Flow;
});

const now = new Date("2026-11-30T10:00:00Z");
const rating = (value: number, scale: "nps" | "ces", band: "detractor" | "low"): Answer => ({
  type: "rating",
  value,
  scale,
  band,
  sentiment: "negative",
});
const text = (t: string, original?: string): Answer => ({
  type: "text",
  text: t,
  ...(original ? { original } : {}),
  sentiment: { label: "negative", score: -0.8, evidence: [] },
});

function source(flow: Flow, answers: Record<string, Answer>, rules = ["detractor"]): AlertSource {
  return {
    conversationId: "conv-1",
    flow,
    rules,
    respondent: { channel: "telegram", userId: "7", displayName: "Ali" },
    locale: "tr",
    reference: "order-9",
    answers,
    transcript: [{ direction: "in", text: "2", at: now.toISOString() }],
  };
}

describe("alerts", () => {
  it("raises an alert with the score on its own scale, the full comment and its themes", () => {
    const alert = raiseAlert(
      source(nps, {
        score: rating(2, "nps", "detractor"),
        "why-negative": text("Kargo geç…", "Kargo geç geldi, çok pahalı"),
      }),
      now,
    );
    expect(alert).toMatchObject({
      id: "conv-1",
      rev: 1,
      flowKey: "nps",
      flowVersion: 3,
      flowTitle: expect.objectContaining({ en: "Net Promoter Score (NPS)", fa: expect.any(String) }),
      status: "open",
      reference: "order-9",
      score: { stepId: "score", value: 2, min: 0, max: 10, band: "detractor" },
      history: [{ type: "raised", rules: ["detractor"] }],
    });
    expect(alert.comments).toEqual([
      {
        stepId: "why-negative",
        text: "Kargo geç geldi, çok pahalı",
        sentiment: "negative",
        themes: expect.arrayContaining(["processes", "price"]),
        themeSentiment: { processes: "negative", price: "negative" },
      },
    ]);
  });

  it("gives each component the sentiment of its own clause, and the alert view shows it", () => {
    const alert = raiseAlert(
      {
        ...source(nps, {
          score: rating(4, "nps", "detractor"),
          "why-negative": text("The food…", "The food was delicious, but the waiter was rude to us."),
        }),
        locale: "en",
      },
      now,
    );
    const [comment] = alert.comments;
    expect(comment?.themeSentiment).toMatchObject({ product: "positive", people: "negative" });
    const format = {
      who: (w: { id: string; name?: string }) => w.name ?? w.id,
      time: (t: string) => t,
      quote: (t: string) => t,
    };
    const heading = alertView(alert, "en", format).comments[0]?.heading ?? "";
    expect(heading).toMatch(/Product \(positive\)/);
    expect(heading).toMatch(/Staff & support \(negative\)/);
    expect(alertView(alert, "fa", format).comments[0]?.heading).toMatch(/\((مثبت|منفی)\)/);
  });

  it("marks a comment that contradicts the score, and support reads it in the alert", () => {
    const alert = raiseAlert(
      source(
        nps,
        {
          score: { type: "rating", value: 10, scale: "nps", band: "promoter", sentiment: "positive" },
          "why-positive": {
            type: "text",
            text: "Rude staff, never again",
            sentiment: { label: "negative", score: -0.8, evidence: [] },
            score: "disagrees",
          },
        },
        ["negative-comment-pos"],
      ),
      now,
    );
    expect(alert.comments[0]?.disagrees).toBe(true);
    const view = alertView(alert, "en", { who: (w) => w.name ?? w.id, time: (t) => t, quote: (t) => t });
    expect(view.comments[0]?.heading).toContain("score and comment disagree");
    const fa = alertView(alert, "fa", { who: (w) => w.name ?? w.id, time: (t) => t, quote: (t) => t });
    expect(fa.comments[0]?.heading).toContain("امتیاز و نظر با هم نمی‌خوانند");
  });

  it("reads a CES score on 1–7", () => {
    const alert = raiseAlert(source(ces, { score: rating(2, "ces", "low") }, ["low-score"]), now);
    expect(alert.score).toMatchObject({ min: 1, max: 7, value: 2 });
  });

  it("routes by the first fired rule that names a route", () => {
    const routed: Flow = {
      ...nps,
      alerts: nps.alerts.map((r) => (r.id === "detractor" ? { ...r, route: "C0VIP" } : r)),
    };
    expect(raiseAlert(source(routed, { score: rating(1, "nps", "detractor") }), now).route).toBe("C0VIP");
    expect(raiseAlert(source(nps, { score: rating(1, "nps", "detractor") }), now).route).toBeUndefined();
  });

  it("enriches with a later comment and rule, and returns the same alert when nothing changed", () => {
    const first = raiseAlert(source(nps, { score: rating(3, "nps", "detractor") }), now);
    expect(enrichAlert(first, source(nps, { score: rating(3, "nps", "detractor") }), now)).toBe(first);
    const later = enrichAlert(
      first,
      source(nps, { score: rating(3, "nps", "detractor"), "why-negative": text("Rude staff") }, [
        "negative-comment",
      ]),
      new Date(now.getTime() + 1000),
    );
    expect(later.rev).toBe(2);
    expect(later.rules).toEqual(["detractor", "negative-comment"]);
    expect(later.comments.map((c) => c.text)).toEqual(["Rude staff"]);
  });

  it("moves through acknowledge, assign and resolve, keeping who did what", () => {
    let alert = raiseAlert(source(nps, { score: rating(0, "nps", "detractor") }), now);
    const at = now.toISOString();
    const ana = { id: "slack:U1", name: "ana" };
    alert = recordAction(alert, { type: "acknowledged", at, actor: ana });
    expect(alert.status).toBe("acknowledged");
    alert = recordAction(alert, { type: "assigned", at, actor: ana, assignee: { id: "slack:U2" } });
    expect(alert).toMatchObject({ status: "assigned", assignee: { id: "slack:U2" } });
    alert = recordAction(alert, { type: "customer-replied", at, text: "thanks" });
    expect(alert.status).toBe("assigned");
    alert = recordAction(alert, { type: "resolved", at, actor: ana, recovery: "sent" });
    expect(alert.status).toBe("resolved");
    expect(alert.history.map((h) => h.type)).toEqual([
      "raised",
      "acknowledged",
      "assigned",
      "customer-replied",
      "resolved",
    ]);
    expect(alert.rev).toBe(5);
  });
});
