import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeTelegram, startFakeTelegram } from "../fakes/telegram-api.ts";

// The fake's webhook side as the bench uses it: connections kept open between deliveries, never more than
// max_connections at once, as Telegram does; and a hook that sees every API call once it is answered.
let fake: FakeTelegram;
let server: Server;
const sockets = new Set<unknown>();
let inFlight = 0;
let mostInFlight = 0;
beforeAll(async () => {
  fake = await startFakeTelegram({
    token: "5555:keepalive-bot-token-aaaaaaaaaaaaaaaa",
    keepAliveWebhooks: true,
  });
  server = createServer((req, res) => {
    sockets.add(req.socket);
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    req.resume();
    req.on("end", () =>
      setTimeout(() => {
        inFlight--;
        res.end();
      }, 5),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const res = await fetch(`${fake.apiRoot}/bot${fake.token}/setWebhook`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: "https://bot.example.com/hook", max_connections: 2 }),
  });
  expect(res.status).toBe(200);
  fake.routeWebhooks(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await fake.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it("keeps webhook connections open and opens at most max_connections", async () => {
  const user = { id: 901, first_name: "K" };
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => fake.deliver(fake.userSendsText(user, `hello ${i}`))),
  );
  expect(results.every((r) => r.status === 200)).toBe(true);
  expect(mostInFlight).toBe(2);
  expect(sockets.size).toBe(2);
  expect(fake.pendingUpdates()).toEqual([]);
});

it("tells onCall listeners about each answered call, and whether it succeeded", async () => {
  const seen: string[] = [];
  const off = fake.onCall((call, ok) => seen.push(`${call.method}:${ok}`));
  fake.addPrivateChat({ id: 902, first_name: "L" });
  const send = (chat: number) =>
    fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: chat, text: "hi" }),
    });
  await send(902);
  await send(903); // no such chat: 400
  off();
  await send(902);
  expect(seen).toEqual(["sendMessage:true", "sendMessage:false"]);
});
