/** An expected outcome: either a value or a typed failure. Exceptions are for bugs, not for bad input. */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });

/** Stable error codes for failures that cross a boundary (logs, adapters, CLI). */
export type CxErrorCode =
  | "CONFIG_INVALID"
  | "FLOW_INVALID"
  | "FLOW_NOT_FOUND"
  | "STORE_CONFLICT"
  | "STORE_CORRUPT"
  | "STORE_UNAVAILABLE"
  | "EMBEDDED_DB_UNAVAILABLE"
  | "PAYLOAD_INVALID"
  | "PLATFORM_UNAVAILABLE"
  | "HANDLER_FAILED";

/** An error with a stable `code` the log and callers can branch on; `cause` keeps the original. */
export class CxError extends Error {
  readonly code: CxErrorCode;
  constructor(code: CxErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CxError";
    this.code = code;
  }
}
