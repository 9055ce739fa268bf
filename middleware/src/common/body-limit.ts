import { type CustomDecorator } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { NdjsonRouteConfig } from './ndjson';

/** Body size classes: `BATCH_BODY_LIMIT_BYTES` for uploads of many items; every other route has `BODY_LIMIT_BYTES`. */
export type BodySize = 'batch';

interface BodyRouteConfig extends NdjsonRouteConfig {
  readonly bodySize?: BodySize;
}

/**
 * A route that takes large bodies (a POS batch of 1,000 receipts, a day-end upload); with
 * `ndjson`, also `application/x-ndjson`, parsed line by line. Routes without it keep the small
 * global limit.
 */
export const BodyLimit = (size: BodySize, options: { ndjson?: boolean | 'text' } = {}): CustomDecorator =>
  RouteConfig({ bodySize: size, ndjson: options.ndjson ?? false } satisfies BodyRouteConfig);

/** Gives each route marked with {@link BodyLimit} its limit (Fastify's per-route `bodyLimit`). Call before init. */
export function applyBodyLimits(fastify: FastifyInstance, limits: Readonly<Record<BodySize, number>>): void {
  fastify.addHook('onRoute', (route) => {
    const config: BodyRouteConfig | undefined = route.config;
    const size = config?.bodySize;
    if (size !== undefined) route.bodyLimit = limits[size];
  });
}
