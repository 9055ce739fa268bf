import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { BadInputError, NotFoundError } from '../common/errors';
import { MetricsService } from '../metrics/metrics.service';
import { type CreateSubscriptionDto, EVENT_TYPES, type Subscription } from './dto/subscription.dto';
import { SubscriptionEntity } from './subscription.entity';
import {
  DestinationRefusedError,
  type DestinationRules,
  type ResolveHost,
  WEBHOOK_RESOLVER,
  checkDestination,
  rulesOf,
} from './destination';
import { WebhookDispatcher } from './webhook.dispatcher';

@Injectable()
export class WebhooksService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly dispatcher: WebhookDispatcher;
  readonly #rules: DestinationRules;

  constructor(
    @InjectRepository(SubscriptionEntity) private readonly repo: Repository<SubscriptionEntity>,
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
    metrics: MetricsService,
    @Inject(WEBHOOK_RESOLVER) private readonly resolve: ResolveHost,
  ) {
    this.dispatcher = new WebhookDispatcher(ds, config.webhooks, metrics, resolve);
    this.#rules = rulesOf(config.webhooks);
  }

  onApplicationBootstrap(): void {
    if (this.config.workersEnabled) this.dispatcher.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.stop();
  }

  async create(dto: CreateSubscriptionDto): Promise<Subscription> {
    await this.#checkUrl(dto.url);
    const secret = dto.secret ?? randomBytes(32).toString('base64url');
    const offset = dto.fromOffset ?? (await this.#head());
    const saved = await this.repo.save(
      this.repo.create({
        mallMspId: this.config.mallMspId,
        url: dto.url,
        secret,
        eventTypes: dto.eventTypes ?? [...EVENT_TYPES],
        offset: offset.toString(),
      }),
    );
    return Object.assign(view(saved), { secret });
  }

  async list(): Promise<Subscription[]> {
    const rows = await this.repo.find({ where: { mallMspId: this.config.mallMspId }, order: { createdAt: 'ASC' } });
    return rows.map(view);
  }

  async get(id: string): Promise<Subscription> {
    return view(await this.#find(id));
  }

  async remove(id: string): Promise<void> {
    const res = await this.repo.delete({ id, mallMspId: this.config.mallMspId });
    if (res.affected !== 1) throw new NotFoundError('subscription', id);
  }

  /** Moves the offset back (or forward): events after `fromOffset` are delivered (again). */
  async replay(id: string, fromOffset: number): Promise<Subscription> {
    const sub = await this.#find(id);
    await this.repo.update(
      { id: sub.id },
      { offset: fromOffset.toString(), attempts: 0, status: 'active', lastError: null, nextAttemptAt: new Date() },
    );
    return this.get(id);
  }

  /** Undoes a pause (or a back-off): delivery resumes at once from the offset where it stopped. */
  async resume(id: string): Promise<Subscription> {
    const sub = await this.#find(id);
    await this.repo.update({ id: sub.id }, { attempts: 0, status: 'active', nextAttemptAt: new Date() });
    return this.get(id);
  }

  /** 400 naming the problem when the URL's destination is refused (the dispatcher checks again at each delivery). */
  async #checkUrl(url: string): Promise<void> {
    try {
      await checkDestination(url, this.#rules, this.resolve);
    } catch (e) {
      if (e instanceof DestinationRefusedError) throw new BadInputError(`url: ${e.message}`);
      throw e;
    }
  }

  async #find(id: string): Promise<SubscriptionEntity> {
    const sub = await this.repo.findOneBy({ id, mallMspId: this.config.mallMspId });
    if (!sub) throw new NotFoundError('subscription', id);
    return sub;
  }

  async #head(): Promise<number> {
    const rows = await this.ds.query<{ s: string }[]>('SELECT coalesce(max(seq), 0)::text AS s FROM events');
    return Number(rows[0]?.s ?? 0);
  }
}

function view(s: SubscriptionEntity): Subscription {
  return {
    id: s.id,
    url: s.url,
    eventTypes: s.eventTypes,
    offset: s.offset,
    status: s.status,
    attempts: s.attempts,
    lastError: s.lastError,
    lastDeliveredAt: s.lastDeliveredAt,
  };
}
