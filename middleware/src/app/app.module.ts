import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { HaideModule } from '../adapters/haide/haide.module';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { AuthModule } from '../auth/auth.module';
import { KeyThrottlerGuard } from '../auth/key-throttler.guard';
import { HttpErrorFilter } from '../common/http-error.filter';
import { StrictValidationPipe } from '../common/validation.pipe';
import type { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { ConsortiumModule } from '../consortium/consortium.module';
import { DatabaseModule } from '../database/database.module';
import { DevicesModule } from '../devices/devices.module';
import { DidsModule } from '../dids/dids.module';
import { HealthModule } from '../health/health.module';
import { HuinaModule } from '../huina/huina.module';
import { IntakeModule } from '../intake/intake.module';
import { JointStatsModule } from '../jointstats/jointstats.module';
import { MetricsModule } from '../metrics/metrics.module';
import { NotesModule } from '../notes/notes.module';
import { PartnersModule } from '../partners/partners.module';
import { PointsModule } from '../points/points.module';
import { ProjectionModule } from '../projection/projection.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { WindowThrottlerStorage } from './throttler-storage';
import { LedgerBindingModule } from './ledger-binding.module';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Honours a sane incoming X-Request-Id, otherwise makes one (echoed in the response by createApp). */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** What a request log line says about the request (see the `serializers` note below). */
export function requestLogFields(req: {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  remoteAddress?: unknown;
}): object {
  return { id: req.id, method: req.method, url: req.url, remoteAddress: req.remoteAddress };
}

@Module({})
export class AppModule {
  /** The whole application; `ledger` binds the LEDGER token (real driver or a test double). */
  static forRoot(config: AppConfig, ledger: Provider): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req) => ((req as { id?: unknown }).id as string | undefined) ?? requestId(req),
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
            // pino-http binds `req` to a child logger on EVERY request, serialising it at once (whatever the
            // level): with all headers that cost more than the intake's own work; the line names the request
            // by ID, method and URL, and carries no headers (so no credentials) at all.
            serializers: { req: requestLogFields },
            customLogLevel: (_req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
        ThrottlerModule.forRoot({
          throttlers: [{ ttl: config.throttleTtlMs, limit: config.throttleLimit }],
          storage: new WindowThrottlerStorage(),
        }),
        LedgerBindingModule.forRoot(ledger),
        MetricsModule,
        DatabaseModule.forRoot(),
        AuthModule,
        ProjectionModule,
        IntakeModule,
        NotesModule,
        WebhooksModule,
        HealthModule,
        ConsortiumModule,
        HuinaModule,
        DevicesModule,
        DidsModule,
        PartnersModule,
        PointsModule,
        HaideModule,
        JointStatsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: KeyThrottlerGuard },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
      ],
    };
  }
}
