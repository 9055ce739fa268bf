import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { NotFoundError } from '../common/errors';
import { EarnRuleEntity } from './earn-rule.entity';
import { TillEntity } from './till.entity';

export interface TillView {
  readonly orgCode: string;
  readonly posNo: string;
  readonly merchantId: string;
  readonly tenant: string;
  readonly programId: string;
  readonly category: string;
}

export interface EarnRuleView {
  readonly programId: string;
  readonly pointsPerYuan: string;
  readonly rounding: 'floor' | 'round' | 'ceil';
  readonly categoryMultipliers: Record<string, string>;
  readonly excludedPayCls: string[];
}

const tillView = (t: TillEntity): TillView => ({
  orgCode: t.orgCode,
  posNo: t.posNo,
  merchantId: t.merchantId,
  tenant: t.tenant,
  programId: t.programId,
  category: t.category,
});

const ruleView = (r: EarnRuleEntity): EarnRuleView => ({
  programId: r.programId,
  pointsPerYuan: r.pointsPerYuan,
  rounding: r.rounding,
  categoryMultipliers: r.categoryMultipliers,
  excludedPayCls: r.excludedPayCls,
});

/** The till registry and the earn rules of this mall's programs. */
@Injectable()
export class PointsRegistryService {
  constructor(
    @InjectRepository(TillEntity) private readonly tills: Repository<TillEntity>,
    @InjectRepository(EarnRuleEntity) private readonly rules: Repository<EarnRuleEntity>,
  ) {}

  async putTill(t: TillView): Promise<TillView> {
    await this.tills.upsert(this.tills.create(t), ['orgCode', 'posNo']);
    return tillView(await this.tills.findOneByOrFail({ orgCode: t.orgCode, posNo: t.posNo }));
  }

  async listTills(orgCode: string | undefined): Promise<TillView[]> {
    const rows = await this.tills.find({
      where: orgCode === undefined ? {} : { orgCode },
      order: { orgCode: 'ASC', posNo: 'ASC' },
    });
    return rows.map(tillView);
  }

  async till(orgCode: string, posNo: string): Promise<TillView | undefined> {
    const t = await this.tills.findOneBy({ orgCode, posNo });
    return t ? tillView(t) : undefined;
  }

  /** The tills of `posNos` that exist, by posNo (one query for a whole POS batch). */
  async tillsOf(orgCode: string, posNos: readonly string[]): Promise<Map<string, TillView>> {
    const out = new Map<string, TillView>();
    if (posNos.length === 0) return out;
    for (const t of await this.tills.findBy({ orgCode, posNo: In([...new Set(posNos)]) }))
      out.set(t.posNo, tillView(t));
    return out;
  }

  async deleteTill(orgCode: string, posNo: string): Promise<void> {
    const res = await this.tills.delete({ orgCode, posNo });
    if (res.affected !== 1) throw new NotFoundError('till', `${orgCode}/${posNo}`);
  }

  async putEarnRule(r: EarnRuleView): Promise<EarnRuleView> {
    await this.rules.upsert(this.rules.create(r), ['programId']);
    return ruleView(await this.rules.findOneByOrFail({ programId: r.programId }));
  }

  async earnRule(programId: string): Promise<EarnRuleView | undefined> {
    const r = await this.rules.findOneBy({ programId });
    return r ? ruleView(r) : undefined;
  }

  /** The earn rules of `programIds` that have one, by programId (one query for a whole POS batch). */
  async earnRulesOf(programIds: readonly string[]): Promise<Map<string, EarnRuleView>> {
    const out = new Map<string, EarnRuleView>();
    if (programIds.length === 0) return out;
    for (const r of await this.rules.findBy({ programId: In([...new Set(programIds)]) }))
      out.set(r.programId, ruleView(r));
    return out;
  }

  async requireEarnRule(programId: string): Promise<EarnRuleView> {
    const r = await this.earnRule(programId);
    if (!r) throw new NotFoundError('earn rule of program', programId);
    return r;
  }
}
