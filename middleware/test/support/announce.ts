import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The child side of `spawnListening` (./child-app): listens, then prints `LISTENING <port>` (the parent
 * passes PORT=0, so only the child knows the port).
 */
export async function announceListening(app: NestFastifyApplication, port: number, host: string): Promise<void> {
  await app.listen(port, host);
  const address = app.getHttpServer().address();
  process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
}

/** Runs a child entry point; a start-up failure is printed with its stack and ends the process with 1. */
export function runChild(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
