import type { ErrorCode } from "../bindings/ErrorCode";
import type { IpcError } from "../bindings/IpcError";

/** A failed command, with the core's code, message and hint. */
export class CommandError extends Error {
  readonly detail: IpcError;

  constructor(detail: IpcError) {
    super(detail.message);
    this.name = "CommandError";
    this.detail = detail;
  }

  get code(): ErrorCode {
    return this.detail.code;
  }
}

function isIpcError(value: unknown): value is IpcError {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** Whatever invoke() rejected with, as a CommandError the UI can show. */
export function toCommandError(error: unknown): CommandError {
  if (error instanceof CommandError) return error;
  if (isIpcError(error)) {
    return new CommandError({ ...error, issues: error.issues ?? [], microsoft: error.microsoft ?? null, consentUrl: error.consentUrl ?? null });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CommandError({
    code: "internal",
    message: `Mailferry's core did not answer as expected: ${message}`,
    hint: "Restart Mailferry; if it happens again, report it with the log file.",
    issues: [],
    aadsts: null,
    correlationId: null,
    microsoft: null,
    consentUrl: null,
  });
}
