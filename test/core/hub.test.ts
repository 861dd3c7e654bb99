import { describe, expect, it } from "vitest";
import { createSurveyHub } from "../../core/hub.ts";
import type { DomainEvent } from "../../core/types.ts";

const ended: DomainEvent = {
  type: "conversation.ended",
  conversationId: "c1",
  flowKey: "nps",
  status: "completed",
};
const who = { channel: "telegram", userId: "1" } as const;

describe("the survey hub", () => {
  it("tells every listener, even when one throws, and stops telling one that unsubscribed", () => {
    const errors: unknown[] = [];
    const hub = createSurveyHub((e) => errors.push(e));
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error("listener bug");
    });
    const stop = hub.subscribe((events) => seen.push(`a:${events.length}`));
    hub.subscribe((events) => seen.push(`b:${events.length}`));
    hub.publish([ended]);
    stop();
    hub.publish([ended, ended]);
    expect(seen).toEqual(["a:1", "b:1", "b:2"]);
    expect(errors).toHaveLength(2);
  });

  it("offers a message to the handlers in order until one takes it", async () => {
    const hub = createSurveyHub(() => undefined);
    expect(await hub.offer(who, "hello")).toBe(false);
    const asked: string[] = [];
    hub.handleOffers(async (_r, text) => {
      asked.push(`first:${text}`);
      return false;
    });
    const remove = hub.handleOffers(async (_r, text) => {
      asked.push(`second:${text}`);
      return true;
    });
    hub.handleOffers(async () => {
      asked.push("third");
      return true;
    });
    expect(await hub.offer(who, "hi")).toBe(true);
    remove();
    expect(await hub.offer(who, "again")).toBe(true);
    expect(asked).toEqual(["first:hi", "second:hi", "first:again", "third"]);
  });
});
