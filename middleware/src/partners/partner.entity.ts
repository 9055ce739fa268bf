import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export const PARTNER_KINDS = ['haide', 'huina'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

/**
 * A calling system of this mall (a Haide-style POS, a Huina-style counter): its appId and its secret,
 * sealed with AES-256-GCM under `PARTNER_SECRET_KEY` (HMAC verification needs the secret itself).
 */
@Entity('partners')
@Check('partners_kind', `"kind" IN ('haide', 'huina')`)
export class PartnerEntity {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ type: 'text' })
  kind!: PartnerKind;

  @Column({ name: 'mall_msp_id', type: 'text' })
  mallMspId!: string;

  /** Haide `orgCode` (mall code) or Huina `customerId`: what the partner's requests must name. */
  @Index('partners_org_code')
  @Column({ name: 'org_code', type: 'text' })
  orgCode!: string;

  @Column({ type: 'text' })
  name!: string;

  /** `version ‖ iv ‖ tag ‖ ciphertext` of the secret, bound to the appId (see SecretBox). */
  @Column({ name: 'secret_sealed', type: 'bytea' })
  secretSealed!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'rotated_at', type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
