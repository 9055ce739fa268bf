import { Injectable } from '@nestjs/common';
import { BadInputError } from '../../common/errors';
import { failed, type HaideAnswer, ok } from './haide-answer';
import type { HaideRequest } from './haide-envelope.guard';
import { receiptsOf } from './receipt.validator';
import { type ReceiptResult, SalesService } from './sales.service';

export type SalesData = ReceiptResult | { receipts: ReceiptResult[] };

/** What the Haide routes answer: per-route logic delegated, the Haide body built here. */
@Injectable()
export class HaideService {
  constructor(private readonly sales_: SalesService) {}

  async sales(req: HaideRequest): Promise<{ status: number; answer: HaideAnswer<SalesData> }> {
    const env = req.haide;
    if (!env) throw new Error('HaideEnvelopeGuard did not run');
    const parsed = receiptsOf(env.data);
    if (typeof parsed === 'string') throw new BadInputError(parsed);
    const outcomes = await this.sales_.push(env, parsed.items);
    if (!parsed.batch) {
      const [one] = outcomes;
      if (!one) throw new Error('no outcome for the receipt');
      const good = one.httpStatus < 300;
      return {
        status: one.httpStatus,
        answer: good ? ok(one.result, one.result.message) : failed(one.httpStatus, one.result.message, one.result),
      };
    }
    const results = outcomes.map((o) => o.result);
    const count = (s: ReceiptResult['status']): number => results.filter((r) => r.status === s).length;
    const message = `${count('accepted')} accepted, ${count('duplicate')} duplicate, ${count('rejected')} rejected`;
    return { status: 200, answer: ok({ receipts: results }, message) };
  }
}
