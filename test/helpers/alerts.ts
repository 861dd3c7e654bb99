import type { RunningCxbot } from "../../bots/platforms.ts";
import type { AlertRecord } from "../../core/alerts/alert.ts";

/** Polls an async probe until it gives a value (10 s at most). */
export async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("condition not met within 10 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for the alert's background work, then for its stored state to satisfy `probe` (10 s at most). */
export async function waitForAlert(
  cxbot: Pick<RunningCxbot, "app" | "platforms">,
  id: string,
  probe: (alert: AlertRecord) => boolean,
): Promise<AlertRecord> {
  const until = Date.now() + 10_000;
  for (;;) {
    await cxbot.platforms.alerts?.idle();
    const alert = await cxbot.app.database.stores.alerts.get(id);
    if (alert && probe(alert)) return alert;
    if (Date.now() > until) throw new Error(`alert ${id} never matched: ${JSON.stringify(alert)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
