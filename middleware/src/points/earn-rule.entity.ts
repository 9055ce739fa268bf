import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { EarnRule } from './earn-rule';

/** The earn rule of a program: used for receipts that carry no `score`. */
@Entity('points_earn_rules')
export class EarnRuleEntity implements EarnRule {
  @PrimaryColumn({ name: 'program_id', type: 'text' })
  programId!: string;

  @Column({ name: 'points_per_yuan', type: 'text' })
  pointsPerYuan!: string;

  @Column({ type: 'text' })
  rounding!: 'floor' | 'round' | 'ceil';

  @Column({ name: 'category_multipliers', type: 'jsonb' })
  categoryMultipliers!: Record<string, string>;

  @Column({ name: 'excluded_pay_cls', type: 'text', array: true })
  excludedPayCls!: string[];

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
