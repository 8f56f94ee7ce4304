/** A failed API call, carrying the message the page shows (the gateway's own message when it sent one). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}
