import type { DomainEvent, RespondentRef } from "./types.ts";

/**
 * Where the survey service's news goes and where it offers what it cannot handle itself, so services built later
 * (alerts, the HTTP API's webhooks) plug in by subscribing, and nothing is wired through late-bound callbacks.
 */
export interface SurveyHub {
  /** Hands saved domain events to every listener, in subscription order; a failing listener never stops the rest. */
  publish(events: readonly DomainEvent[]): void;
  /** Listens to domain events; returns the unsubscribe. */
  subscribe(listener: (events: readonly DomainEvent[]) => void): () => void;
  /**
   * Offers text a respondent sent with no survey in progress to the handlers (support's open alert), in order,
   * until one takes it; true when one did.
   */
  offer(respondent: RespondentRef, text: string): Promise<boolean>;
  /** Adds a handler for offered text; returns the removal. */
  handleOffers(handler: (respondent: RespondentRef, text: string) => Promise<boolean>): () => void;
}

export function createSurveyHub(onError: (error: unknown) => void): SurveyHub {
  const listeners = new Set<(events: readonly DomainEvent[]) => void>();
  const handlers = new Set<(respondent: RespondentRef, text: string) => Promise<boolean>>();
  return {
    publish(events) {
      for (const listener of listeners) {
        try {
          listener(events);
        } catch (error) {
          onError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async offer(respondent, text) {
      for (const handler of handlers) if (await handler(respondent, text)) return true;
      return false;
    },
    handleOffers(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
