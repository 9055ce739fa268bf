import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { IntakeModule } from '../../intake/intake.module';
import { PartnersModule } from '../../partners/partners.module';
import { DeviceLedger } from '../../ledger/domain/device.ledger';
import { PointsModule } from '../../points/points.module';
import { EReceiptAnchor } from './e-receipt.anchor';
import { HaideEnvelopeGuard } from './haide-envelope.guard';
import { HaideController } from './haide.controller';
import { HaideService } from './haide.service';
import { ReceiptStore } from './receipt.store';
import { ReconciliationStore } from './reconciliation.store';
import { ReconciliationVerifier } from './reconciliation-verifier';
import { SalesService } from './sales.service';
import { SpendLedger } from '../../ledger/domain/spend.ledger';
import { PointsSpendService } from './points-spend.service';
import { SpendStore } from './spend.store';

/** The Haide-style POS adapter (`/haide/v1`). */
@Module({
  imports: [PartnersModule, PointsModule, IntakeModule],
  controllers: [HaideController],
  providers: [
    HaideEnvelopeGuard,
    HaideService,
    SalesService,
    ReceiptStore,
    ReconciliationStore,
    ReconciliationVerifier,
    SpendLedger,
    SpendStore,
    PointsSpendService,
    DeviceLedger,
    EReceiptAnchor,
  ],
})
export class HaideModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  /** JSON Lines bodies reach `sales/batch` as text (parsed there, line by line). */
  onModuleInit(): void {
    // No HTTP adapter in an application context (the CLI): nothing to parse.
    const adapter = this.http.httpAdapter as HttpAdapterHost['httpAdapter'] | null | undefined;
    if (adapter === undefined || adapter === null) return;
    const fastify = adapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('application/x-ndjson')) return;
    fastify.addContentTypeParser(
      ['application/x-ndjson', 'application/jsonl'],
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, body);
      },
    );
  }
}
