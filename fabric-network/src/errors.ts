/** A failure of a network operation, with a message meant for the operator. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';

  constructor(
    message: string,
    readonly details: Readonly<{ hint?: string; log?: string }> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The message with its hint and log file, as the CLI prints it. */
  describe(): string {
    const lines = [this.message];
    if (this.details.hint) lines.push(`hint: ${this.details.hint}`);
    if (this.details.log) lines.push(`log: ${this.details.log}`);
    return lines.join('\n');
  }
}
