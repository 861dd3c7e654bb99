import { describe, expect, it } from "vitest";
import type { AlertPost, AlertRecord } from "../../core/alerts/alert.ts";
import { createFanOutNotifier, partsOf } from "../../core/alerts/fanout.ts";
import type { AlertNotifier } from "../../core/alerts/service.ts";

const alert = { id: "a1" } as unknown as AlertRecord;

/** A notifier that records what it was asked, and fails its next `failNext` posts. */
function recording(name: string) {
  const calls: string[] = [];
  let failNext = 0;
  let n = 0;
  const notifier: AlertNotifier = {
    name,
    async post(target, _alert, options) {
      if (failNext > 0) {
        failNext--;
        throw new Error(`${name} is down`);
      }
      calls.push(`post ${target}${options?.under ? ` under ${options.under.ref}` : ""}`);
      return { notifier: name, target, ref: `${name}-${++n}` };
    },
    async update(_alert, post) {
      calls.push(`update ${post.target} ${post.ref}`);
    },
    async postSummary(target) {
      calls.push(`summary ${target}`);
      return { notifier: name, target, ref: `${name}-s${++n}` };
    },
    async postDigest(target) {
      calls.push(`digest ${target}`);
    },
    async postCustomerReply(_alert, post, text) {
      calls.push(`reply ${post.ref}: ${text}`);
    },
  };
  return { notifier, calls, fail: (k: number) => (failNext = k) };
}

describe("the fan-out notifier: one alert on several platforms", () => {
  it("posts on each (the first at the routed target), and each part is updated and answered on its own", async () => {
    const slack = recording("slack");
    const discord = recording("discord");
    const errors: string[] = [];
    const fan = createFanOutNotifier(
      [
        { notifier: slack.notifier, target: "C0DEFAULT" },
        { notifier: discord.notifier, target: "4100" },
      ],
      (_e, context) => errors.push(context),
    );
    const post = await fan.post("C0ROUTED", alert);
    expect(partsOf(post).map((p) => `${p.notifier}:${p.target}:${p.ref}`)).toEqual([
      "slack:C0ROUTED:slack-1",
      "discord:4100:discord-1",
    ]);
    await fan.update(alert, post);
    await fan.postCustomerReply(alert, post, "hello");
    expect(slack.calls).toEqual(["post C0ROUTED", "update C0ROUTED slack-1", "reply slack-1: hello"]);
    expect(discord.calls).toEqual(["post 4100", "update 4100 discord-1", "reply discord-1: hello"]);
    await fan.postDigest("C0DEFAULT", { period: "day", from: "2026-12-04", to: "2026-12-04", flows: [] });
    expect(discord.calls.at(-1)).toBe("digest 4100");
    expect(errors).toEqual([]);
  });

  it("a platform that fails does not stop the others, and is posted again when the alert is repaired", async () => {
    const slack = recording("slack");
    const discord = recording("discord");
    const errors: string[] = [];
    const fan = createFanOutNotifier(
      [
        { notifier: slack.notifier, target: "C0" },
        { notifier: discord.notifier, target: "4100" },
      ],
      (_e, context) => errors.push(context),
    );
    discord.fail(1);
    const post = await fan.post("C0", alert);
    expect(partsOf(post).map((p) => p.notifier)).toEqual(["slack"]);
    expect(errors).toEqual(["post on discord"]);
    const repaired = (await fan.repair?.(alert, post)) as AlertPost;
    expect(partsOf(repaired).map((p) => p.notifier)).toEqual(["slack", "discord"]);
    expect(await fan.repair?.(alert, repaired)).toBeUndefined();
    // The first platform's failure is the caller's: the alert stays unposted and is retried as a whole.
    slack.fail(1);
    await expect(fan.post("C0", alert)).rejects.toThrow("slack is down");
  });

  it("a folded alert's summary is posted on each, and opening it posts under each part", async () => {
    const slack = recording("slack");
    const discord = recording("discord");
    const fan = createFanOutNotifier(
      [
        { notifier: slack.notifier, target: "C0" },
        { notifier: discord.notifier, target: "4100" },
      ],
      () => undefined,
    );
    const summary = await fan.postSummary("C0", [alert]);
    await fan.post("C0", alert, { under: { ...summary, folded: true } });
    expect(slack.calls).toEqual(["summary C0", "post C0 under slack-s1"]);
    expect(discord.calls).toEqual(["summary 4100", "post 4100 under discord-s1"]);
  });
});
